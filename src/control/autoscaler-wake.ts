import type { Clock } from '../clock/clock.js';

/**
 * The autoscaler's pause between rounds, which a metric change cuts short. A wake that comes
 * while a round runs ends the next pause before it starts, so no change waits a full pause.
 */
export class Nap {
  private nap: AbortController | null = null;
  private woken = false;

  constructor(private readonly clock: Clock) {}

  wake(): void {
    this.woken = true;
    this.nap?.abort();
  }

  /** Sleeps `ms`, less if woken meanwhile (or since the last sleep), or until the signal aborts. */
  async sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (!this.woken && !signal.aborted) {
      const nap = (this.nap = new AbortController());
      const stop = () => nap.abort();
      signal.addEventListener('abort', stop, { once: true });
      await this.clock.sleep(ms, nap.signal).catch(() => undefined);
      signal.removeEventListener('abort', stop);
      this.nap = null;
    }
    this.woken = false;
  }
}

/**
 * When a pool's next evaluation moves to when its metric changed: now, but not sooner than
 * `gapMs` after its last evaluation began, so a storm of pushes or notifications makes one
 * evaluation per gap (the last change is always read, by the evaluation at the end of the gap);
 * never later than already planned.
 */
export function broughtForward(nextAt: number, lastStartedAt: number | undefined, now: number, gapMs: number): number {
  return Math.min(nextAt, Math.max(now, lastStartedAt === undefined ? now : lastStartedAt + gapMs));
}
