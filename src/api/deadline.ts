import type { Clock } from '../clock/clock.js';
import { ApiError } from './errors.js';

/** Requests that start within this many ms share one timer; their deadline fires up to this much late. */
export const DEADLINE_SLOT_MS = 100;

interface Slot {
  openUntil: number;
  waiting: Set<(err: ApiError) => void>;
  timer: AbortController;
}

const FINISHED = Object.freeze({ finished: true });

/**
 * Handler deadlines without a timer and an abort signal per request: at thousands of requests a
 * second those were a tenth of the server's CPU. Requests that start in the same slot share one
 * timer, which answers for those still running when it fires, `ms` to `ms + DEADLINE_SLOT_MS`
 * after they started. A slot whose requests all finished cancels its timer.
 */
export class Deadlines {
  private slot: Slot | undefined;

  constructor(
    private readonly ms: number,
    private readonly clock: Clock,
  ) {}

  /** Races `work` against its deadline; the work is not cancelled, only answered for. */
  race<T>(work: Promise<T>): Promise<T> {
    const slot = this.current();
    let fail!: (err: ApiError) => void;
    const deadline = new Promise<never>((_, reject) => (fail = reject));
    slot.waiting.add(fail);
    return Promise.race([work, deadline]).finally(() => {
      slot.waiting.delete(fail);
      if (slot.waiting.size > 0) return;
      // Nothing left to answer for: no timer is kept that would hold an idle process open.
      slot.timer.abort(FINISHED);
      if (this.slot === slot) this.slot = undefined;
    });
  }

  private current(): Slot {
    const now = this.clock.now();
    if (this.slot && now < this.slot.openUntil) return this.slot;
    const slot: Slot = { openUntil: now + DEADLINE_SLOT_MS, waiting: new Set(), timer: new AbortController() };
    this.slot = slot;
    this.clock.sleep(this.ms + DEADLINE_SLOT_MS, slot.timer.signal).then(
      () => {
        if (this.slot === slot) this.slot = undefined;
        const err = new ApiError('unavailable', `the request took longer than ${this.ms} ms; it may still complete, check before retrying`);
        for (const fail of slot.waiting) fail(err);
        slot.waiting.clear();
      },
      () => undefined,
    );
    return slot;
  }
}
