import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { Controller, TickReport } from './controller.js';

/**
 * Owns the timing of the controller: one tick, then a pause of `intervalMs` (less the tick's
 * own time), until the signal aborts. `wake()` cuts the pause short so a change made through
 * the API is acted on at once.
 */
export class ControlLoop {
  private nap: AbortController | null = null;
  private woken = false;
  ticks = 0;

  private readonly clock: Clock;
  private readonly intervalMs: number;
  private readonly log: Logger;
  private readonly onTick: ((report: TickReport) => void) | undefined;

  constructor(
    private readonly controller: Controller,
    o: { clock: Clock; intervalMs: number; log: Logger; onTick?: ((report: TickReport) => void) | undefined },
  ) {
    this.clock = o.clock;
    this.intervalMs = o.intervalMs;
    this.log = o.log;
    this.onTick = o.onTick;
  }

  wake(): void {
    this.woken = true;
    this.nap?.abort();
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const started = this.clock.now();
      this.woken = false;
      try {
        const report = await this.controller.tick();
        this.ticks++;
        this.onTick?.(report);
      } catch (e) {
        this.log.error({ err: e }, 'controller tick failed');
      }
      if (this.woken) continue;
      this.nap = new AbortController();
      const stop = () => this.nap?.abort();
      signal.addEventListener('abort', stop, { once: true });
      await this.clock.sleep(Math.max(0, this.intervalMs - (this.clock.now() - started)), this.nap.signal).catch(() => undefined);
      signal.removeEventListener('abort', stop);
      this.nap = null;
    }
  }
}
