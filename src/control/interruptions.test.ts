import { describe, expect, it } from 'vitest';
import type { Machine } from '../domain/types.js';
import { INTERRUPTION_MARGIN_MS, InterruptionInbox, planInterruptions } from './interruptions.js';

const m = (id: string, state: Machine['state']): Machine => ({ id, pool: 'p', provider: 'aws', zone: 'a', size: 's', state, since: 0, launchedAt: 0, templateVersion: 1, protected: false, labels: {}, addresses: [] });

describe('planInterruptions', () => {
  const inbox = new InterruptionInbox();
  inbox.report({ machine: 'i-doomed', at: 120_000, reason: 'SpotInterruption' });
  const notice = (id: string) => inbox.get(id);

  it('replaces first: the doomed machine is surge, not terminated, while the pool lacks a ready replacement', () => {
    const p = planInterruptions([m('i-doomed', 'ready'), m('i-1', 'ready'), m('i-2', 'booting')], notice, 3, 0);
    expect(p).toEqual({ replace: ['i-doomed'], terminate: [] });
  });

  it('ends the doomed machine once the target is ready without it', () => {
    const p = planInterruptions([m('i-doomed', 'ready'), m('i-1', 'ready'), m('i-2', 'ready'), m('i-3', 'ready')], notice, 3, 10_000);
    expect(p.terminate).toEqual(['i-doomed']);
  });

  it('ends it shortly before the cloud would, replacement or not', () => {
    expect(planInterruptions([m('i-doomed', 'ready')], notice, 3, 120_000 - INTERRUPTION_MARGIN_MS - 1).terminate).toEqual([]);
    expect(planInterruptions([m('i-doomed', 'ready')], notice, 3, 120_000 - INTERRUPTION_MARGIN_MS).terminate).toEqual(['i-doomed']);
  });

  it('leaves machines already on their way out alone, and announces each notice once', () => {
    expect(planInterruptions([m('i-doomed', 'terminating')], notice, 1, 0)).toEqual({ replace: [], terminate: [] });
    expect(inbox.announce('i-doomed')).toBe(true);
    expect(inbox.announce('i-doomed')).toBe(false);
  });
});
