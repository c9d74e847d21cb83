import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { AgentHookOrder, AgentHookResult } from '../api/contract/index.js';
import { runCheck } from './readiness.js';

/**
 * The lifecycle hook commands the controller orders this machine to run. Each order runs once,
 * through the shell, killed with its process group at the order's deadline; its result is
 * reported with every heartbeat until the controller stops ordering it (it has recorded it).
 */
export class HookCommands {
  private readonly runs = new Map<string, { result?: AgentHookResult | undefined }>();

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    /** A command ended: report at once rather than one heartbeat later. */
    private readonly ended: () => void,
    /** The agent stops: running commands are killed. */
    private readonly stop: AbortSignal,
  ) {}

  /** Starts the orders not seen before, and forgets those no longer ordered. */
  follow(orders: readonly AgentHookOrder[] | undefined): void {
    const ids = new Set((orders ?? []).map((o) => o.id));
    for (const id of this.runs.keys()) if (!ids.has(id)) this.runs.delete(id);
    for (const order of orders ?? []) {
      if (this.runs.has(order.id)) continue;
      const entry: { result?: AgentHookResult | undefined } = {};
      this.runs.set(order.id, entry);
      this.log.info({ hook: order.id }, 'lifecycle hook started');
      const timeoutMs = Math.max(1, order.deadline - this.clock.now());
      void runCheck({ kind: 'command', target: order.command, timeoutMs, intervalMs: timeoutMs }, this.clock, this.stop).then((r) => {
        entry.result = { id: order.id, ok: r.ok, output: r.output };
        this.log.info({ hook: order.id, ok: r.ok }, 'lifecycle hook ended');
        this.ended();
      });
    }
  }

  /** What ended, for the next heartbeat. */
  results(): AgentHookResult[] {
    const out: AgentHookResult[] = [];
    for (const run of this.runs.values()) if (run.result) out.push(run.result);
    return out;
  }
}
