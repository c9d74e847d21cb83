import { describe, expect, it } from 'vitest';
import { pruneRules, RETENTION_DEFAULTS, UNKNOWN_MACHINE_HEARTBEAT_MS } from './retention.js';

const NOW = Date.UTC(2026, 11, 6, 9, 0);
const DAY = 86_400_000;

describe('retention', () => {
  it('by default keeps events 14 days (at most a million), decisions 7 days, audit 400 days', () => {
    expect(RETENTION_DEFAULTS).toEqual({
      events: { maxAgeMs: 14 * DAY, maxRows: 1_000_000 },
      decisions: { maxAgeMs: 7 * DAY },
      audit: { maxAgeMs: 400 * DAY },
    });
  });

  it('turns the policy into cut-off times before now, drops unknown machines’ heartbeats after an hour of silence, and keeps settled deliveries as long as events', () => {
    expect(UNKNOWN_MACHINE_HEARTBEAT_MS).toBe(3_600_000);
    expect(pruneRules(RETENTION_DEFAULTS, NOW)).toEqual([
      { table: 'events', before: NOW - 14 * DAY, keepNewest: 1_000_000 },
      { table: 'decisions', before: NOW - 7 * DAY },
      { table: 'audit', before: NOW - 400 * DAY },
      { table: 'heartbeats', silentBefore: NOW - 3_600_000 },
      { table: 'deliveries', before: NOW - 14 * DAY },
      { table: 'pushedMetrics' },
    ]);
  });
});
