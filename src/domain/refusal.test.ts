import { describe, expect, it } from 'vitest';
import { Refusal } from './refusal.js';

describe('Refusal: a reason a person can act on, and the exit code the CLI ends with', () => {
  it('is a failure to do it (exit 1) unless the input was bad (exit 2)', () => {
    expect(new Refusal('port 8080 is in use by another process: stop it or pass --port').exitCode).toBe(1);
    expect(new Refusal('backup.db is not a flotte backup: it has no meta table', 2).exitCode).toBe(2);
  });

  it('reads as a refusal with its message when logged, and is still an Error', () => {
    const r = new Refusal('no config stored yet: apply one first');
    expect(r).toBeInstanceOf(Error);
    expect(String(r)).toBe('Refusal: no config stored yet: apply one first');
  });
});
