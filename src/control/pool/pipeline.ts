import { plan, type Plan } from '../../domain/plan.js';
import type { LaunchIntent } from '../../domain/types.js';
import type { HealthSnapshot } from '../health.js';
import { runHooks } from '../hooks/phase.js';
import { act } from './actuate.js';
import type { OperationHolds } from './bulk-port.js';
import { checkHealth } from './health.js';
import { endInterrupted, noticeInterruptions } from './interruptions.js';
import { bootstrap, resolveIntents } from './launch.js';
import { adopt, fold } from './observe.js';
import { removeIfEmpty } from './removal.js';
import { targetOf, type PoolTick } from './tick.js';

/** What a pool's tick reads besides the pool itself, read once per tick for all pools. */
export interface TickInputs {
  /** Agents' heartbeats, healing pauses and protections. */
  snap: HealthSnapshot;
  /** The pool's open launch intents. */
  intents: readonly LaunchIntent[];
  /** What bulk operations hold, when they are attached. */
  holds?: OperationHolds | undefined;
}

/**
 * One pool's tick, phase by phase: observe (adopt, fold), interruptions, launch intents, health,
 * lifecycle hooks, plan (pure), guard, act, end interrupted machines, removal. The journal is flushed by the caller.
 */
export async function runPool(t: PoolTick, inputs: TickInputs): Promise<Plan> {
  const { spec, rt, now } = t;
  const h = rt.health.forPool(spec, t.provider, inputs.snap, now);
  adopt(t);
  const resend = fold(t, h);
  // One that died while a replace's new machine for it was on its way has its successor: no launch may claim to replace it too.
  const replacing = inputs.holds?.replacing(spec.name);
  if (replacing?.size) for (let i = t.unreplaced.length - 1; i >= 0; i--) if (replacing.has(t.unreplaced[i]!)) t.unreplaced.splice(i, 1);
  const doomed = noticeInterruptions(t);
  // Launch intents still open (throttled, a lost reply, or a crash before the record) are resolved from what the cloud shows of them.
  const intents = await resolveIntents(t, inputs.intents);

  // Machines an operation works on are protected from scale-in, and a replace's extra machines (surge) are room above desired.
  const held = inputs.holds?.held(spec.name);
  const surge = (inputs.holds?.surge(spec.name) ?? 0) + (doomed?.replace.length ?? 0);
  const sized = surge > 0 ? { ...spec, desired: spec.desired + surge, max: spec.max + surge } : spec;
  const healthy = await checkHealth(t, h, targetOf(sized));
  // Launch hooks of machines just up, terminate hooks of leaving ones; an abandoned machine is queued for the plan to replace.
  const hooked = await runHooks(t, h);
  // Read after the health phase, which may have changed machines.
  const all = [...t.machines.values()];
  const view = held?.size ? all.map((m) => (held.has(m.id) ? { ...m, protected: true } : m)) : all;
  const p = plan(sized, { machines: view, pendingLaunches: intents.pending, unreplaced: t.unreplaced, unavailable: rt.offerings.of(spec.provider, now), sizes: t.template.sizes, held, ...healthy }, now);
  for (const note of p.notes) rt.log.debug({ pool: spec.name }, note);

  const agent = h.agent ? await bootstrap(t) : undefined;
  if (h.agent && !agent) p.actions = p.actions.filter((a) => a.kind !== 'launch');
  p.actions = await rt.blast.guard(t, p.actions);
  await act(t, { actions: p.actions, open: intents.send, resend: hooked.size > 0 ? resend.filter((id) => !hooked.has(id)) : resend, agent, busy: healthy.busy });
  await endInterrupted(t, doomed);
  await removeIfEmpty(t, inputs.intents);
  return p;
}
