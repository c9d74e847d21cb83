import { describe, expect, it } from 'vitest';
import { matchEvent, notificationBody, NOTIFY_RETRY, retryDelay, type RetryPolicy, type Subscription } from './notifications.js';
import type { FleetEvent } from './types.js';

const sub = (name: string, events: Subscription['events']): Subscription => ({ name, url: `https://hooks.example.com/${name}`, events, secret: { env: `${name.toUpperCase()}_KEY` } });
const oncall = sub('oncall', ['HealingPaused', 'ProviderUnavailable', 'PoolAtMaxWithWorkWaiting', 'OperationFailed']);
const releases = sub('releases', ['OperationSucceeded', 'OperationFailed', 'BudgetHolding']);

describe('notifications: which subscriptions an event goes to', () => {
  it('an event goes to every subscription that asked for its kind, once each', () => {
    expect(matchEvent({ reason: 'OperationFailed' }, [oncall, releases])).toEqual([
      { subscription: 'oncall', kind: 'OperationFailed' },
      { subscription: 'releases', kind: 'OperationFailed' },
    ]);
    expect(matchEvent({ reason: 'BudgetHolding' }, [oncall, releases])).toEqual([{ subscription: 'releases', kind: 'BudgetHolding' }]);
  });

  it('a kind may be named for another reason: PoolAtMax is sent as PoolAtMaxWithWorkWaiting', () => {
    expect(matchEvent({ reason: 'PoolAtMax' }, [releases, oncall])).toEqual([{ subscription: 'oncall', kind: 'PoolAtMaxWithWorkWaiting' }]);
  });

  it('an event nobody asked for goes nowhere', () => {
    expect(matchEvent({ reason: 'ScaledOut' }, [oncall, releases])).toEqual([]);
    expect(matchEvent({ reason: 'HealingPaused' }, [])).toEqual([]);
  });
});

describe('notifications: retries', () => {
  it('waits 5 s after the first failed attempt, doubling, within 8 attempts of 10 s each, as documented', () => {
    expect(NOTIFY_RETRY).toEqual({ maxAttempts: 8, initialDelayMs: 5_000, maxDelayMs: 600_000, timeoutMs: 10_000 });
    // The longest wait each time (random just below 1) is the nominal one.
    const nominal = [1, 2, 3, 4, 5, 6, 7].map((n) => retryDelay(n, NOTIFY_RETRY, 1 - 1e-12));
    expect(nominal).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000]);
  });

  it('caps the wait at the policy maximum', () => {
    const fast: RetryPolicy = { maxAttempts: 12, initialDelayMs: 1_000, maxDelayMs: 30_000, timeoutMs: 5_000 };
    expect(retryDelay(5, fast, 1 - 1e-12)).toBe(16_000);
    expect(retryDelay(6, fast, 1 - 1e-12)).toBe(30_000);
    expect(retryDelay(11, fast, 1 - 1e-12)).toBe(30_000);
    expect(retryDelay(11, NOTIFY_RETRY, 0)).toBe(300_000);
  });

  it('jitters between half the nominal wait and all of it, never sooner than half', () => {
    expect(retryDelay(3, NOTIFY_RETRY, 0)).toBe(10_000);
    expect(retryDelay(3, NOTIFY_RETRY, 0.5)).toBe(15_000);
    expect(retryDelay(3, NOTIFY_RETRY, 0.25)).toBe(12_500);
    for (let i = 0; i < 100; i++) {
      const wait = retryDelay(4, NOTIFY_RETRY, i / 100);
      expect(wait).toBeGreaterThanOrEqual(20_000);
      expect(wait).toBeLessThan(40_000);
    }
  });
});

describe('notifications: what a receiver gets', () => {
  const event: FleetEvent = { id: 9120, at: Date.parse('2026-12-07T03:00:00Z'), pool: 'workers', reason: 'HealingPaused', message: 'healing paused: 6 of 10 machines failed within 5 min', data: { failed: 6 } };

  it('the event as the API shows it, with its time in ISO 8601, and what it was sent for', () => {
    const body = notificationBody('oncall', 'HealingPaused', event, Date.parse('2026-12-07T03:00:02.500Z'));
    expect(JSON.parse(body)).toEqual({
      subscription: 'oncall',
      kind: 'HealingPaused',
      sentFor: '2026-12-07T03:00:02.500Z',
      event: { id: 9120, at: '2026-12-07T03:00:00.000Z', pool: 'workers', reason: 'HealingPaused', message: 'healing paused: 6 of 10 machines failed within 5 min', data: { failed: 6 } },
    });
  });

  it('a test delivery carries no event', () => {
    expect(JSON.parse(notificationBody('oncall', 'Test', undefined, Date.parse('2026-12-07T09:30:00Z')))).toEqual({ subscription: 'oncall', kind: 'Test', sentFor: '2026-12-07T09:30:00.000Z' });
  });
});
