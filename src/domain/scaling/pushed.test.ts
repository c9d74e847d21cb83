import { describe, expect, it } from 'vitest';
import { scalingSpec } from '../../../test/support/domain-fixtures.js';
import { pushRefusal } from './pushed.js';
import type { MetricSourceSpec, ScalingSpec } from './spec.js';

const scaling = (metrics: Record<string, MetricSourceSpec>): ScalingSpec => scalingSpec({ metrics });

describe('pushRefusal: which metrics a push may feed', () => {
  const batch = scaling({
    queue: { type: 'push' },
    cpu: { type: 'agents', measure: 'cpu' },
    jobs: { type: 'push' },
    backlog: { type: 'redis', url: 'redis://queue.internal:6379', kind: 'list', key: 'jobs' },
  });

  it('a metric declared { type: push } takes pushed samples', () => {
    expect(pushRefusal('batch', batch, 'queue')).toBeUndefined();
    expect(pushRefusal('batch', batch, 'jobs')).toBeUndefined();
  });

  it('a metric read from elsewhere is refused, saying where it is read from and which metrics can be pushed', () => {
    expect(pushRefusal('batch', batch, 'backlog')).toBe('metric "backlog" of pool batch is read from redis, not pushed (push one of queue, jobs)');
    expect(pushRefusal('batch', batch, 'cpu')).toBe('metric "cpu" of pool batch is read from agents, not pushed (push one of queue, jobs)');
  });

  it('a typo of a pushed metric is refused, listing the pushed ones', () => {
    expect(pushRefusal('batch', batch, 'queu')).toBe('pool batch has no pushed metric "queu" (push one of queue, jobs)');
  });

  it('a pool with no pushed metric says how to declare one, under its own name', () => {
    const analysis = scaling({ cpu: { type: 'agents', measure: 'cpu' } });
    expect(pushRefusal('analysis', analysis, 'queue')).toBe('pool analysis has no pushed metric "queue" (declare it in flotte.yaml as pools.analysis.scaling.metrics.queue: { type: push })');
    expect(pushRefusal('analysis', analysis, 'cpu')).toBe('metric "cpu" of pool analysis is read from agents, not pushed (declare it in flotte.yaml as pools.analysis.scaling.metrics.cpu: { type: push })');
  });

  it('a pool without autoscaling takes no pushed sample', () => {
    expect(pushRefusal('web', undefined, 'requests')).toBe('pool web has no pushed metric "requests" (declare it in flotte.yaml as pools.web.scaling.metrics.requests: { type: push })');
  });
});
