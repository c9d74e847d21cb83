import { describe, expect, it } from 'vitest';
import { resolveIntent } from './intents.js';

const sentAt = Date.UTC(2026, 11, 6, 9, 0);
const GRACE = 60_000;

describe('resolveIntent', () => {
  it('all machines seen: closed at once, even right after the send', () => {
    expect(resolveIntent(190, 190, sentAt, sentAt + 1_000, GRACE)).toEqual({ kind: 'closed', made: 190 });
  });

  it('within the list grace of its last send: waits, its missing machines counted in flight', () => {
    expect(resolveIntent(190, 0, sentAt, sentAt + GRACE - 1, GRACE)).toEqual({ kind: 'wait', missing: 190 });
    expect(resolveIntent(190, 120, sentAt, sentAt + 30_000, GRACE)).toEqual({ kind: 'wait', missing: 70 });
  });

  it('nothing seen a full grace later: sent again as it was', () => {
    expect(resolveIntent(17, 0, sentAt, sentAt + GRACE, GRACE)).toEqual({ kind: 'resend', missing: 17 });
  });

  it('part seen a full grace later: only the missing ones, as a follow-up', () => {
    expect(resolveIntent(17, 1, sentAt, sentAt + GRACE, GRACE)).toEqual({ kind: 'follow-up', made: 1, missing: 16 });
  });
});
