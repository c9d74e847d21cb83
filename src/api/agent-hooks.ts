import { finishedRun, type PoolHooks } from '../domain/hooks.js';
import type { WithHookRuns } from '../store/ports.js';
import type { AgentHookOrder, AgentReport } from './contract/index.js';

/**
 * The hook commands of an agent's heartbeat: records those it reports ended (only its own
 * machine's, and only while they run: a run cut at its deadline stays cut), and returns the
 * ones it is to run, the command read from the pool's hooks as they stand. `ended` says whether
 * any run ended, so the controller can look at once.
 */
export async function agentHookOrders(store: WithHookRuns, hooks: PoolHooks, report: Pick<AgentReport, 'machine' | 'hooks'>, now: number): Promise<{ orders: AgentHookOrder[]; ended: boolean }> {
  const commands = [...hooks.launch, ...hooks.terminate].some((h) => h.command !== undefined);
  if (!commands) return { orders: [], ended: false };
  const reported = new Map((report.hooks ?? []).map((r) => [r.id, r]));
  const orders: AgentHookOrder[] = [];
  let ended = false;
  for (const run of await store.hookRuns.runningCommands(report.machine)) {
    const r = reported.get(run.id);
    if (r) {
      const end = finishedRun(run, r.ok, r.output, now);
      ended = (await store.hookRuns.finish(run.id, { status: end.status, endedAt: end.endedAt!, detail: end.detail }, report.machine)) || ended;
      continue;
    }
    const command = hooks[run.transition].find((h) => h.name === run.hook)?.command;
    if (command !== undefined) orders.push({ id: run.id, command, deadline: run.deadline });
  }
  return { orders, ended };
}
