import { SIM_CALL_LOG } from '../sim-gate.js';
import type { ServedCall } from './wire.js';

/**
 * The served sim's one call log, shared by its faces (flotte's JSON and EC2's Query API).
 * It keeps the newest SIM_CALL_LOG requests at least and twice as many at most, as the sim's
 * own gate does: a served sim answers every tick of every controller for days, and an
 * unbounded log would be the one thing in its process that grew with time.
 */
export class CallLog {
  /** The newest calls, in order; trimmed in place, so a held reference stays the log. */
  readonly calls: ServedCall[] = [];
  /** What is being answered now (GET /inflight). */
  readonly inflight = new Set<ServedCall>();
  private seq = 0;

  /**
   * A new entry, numbered after every logged one (numbers survive trimming). Reads (`list`) are
   * in flight but not logged: the log is what changed the cloud, or tried to.
   */
  open(call: Omit<ServedCall, 'seq'>, logged: boolean): ServedCall {
    const entry: ServedCall = { seq: this.seq + 1, ...call };
    if (logged) {
      this.seq++;
      this.calls.push(entry);
      // Trimmed in halves, not one by one: a shift per call would cost O(n) on every request.
      if (this.calls.length > 2 * SIM_CALL_LOG) this.calls.splice(0, this.calls.length - SIM_CALL_LOG);
    }
    this.inflight.add(entry);
    return entry;
  }

  close(call: ServedCall): void {
    this.inflight.delete(call);
  }
}
