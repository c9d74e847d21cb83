/**
 * Bounds concurrent requests to one endpoint. Nova has no rate limit of its own and no batch
 * calls, so a thousand reboots would be a thousand simultaneous requests: this keeps the
 * number in flight at `limit` however many operations run at once.
 */
export class InFlight {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`in-flight limit must be a positive integer, got ${limit}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter, so `active` never dips and lets a newcomer jump the queue.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  /** Runs `task` for every item, at most `limit` at a time, and keeps each outcome. */
  all<I, T>(items: readonly I[], task: (item: I) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
    return Promise.allSettled(items.map((item) => this.run(() => task(item))));
  }

  get inFlight(): number {
    return this.active;
  }
}
