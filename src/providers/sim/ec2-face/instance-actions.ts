import type { ProviderStatus } from '../../provider.js';
import { TRANSITIONS, type Draws, type MachineAction } from '../sim-actions.js';
import { settle, type SimMachine } from '../sim-machine.js';
import { stopIfDryRun } from './dry-run.js';
import { FaceError, type Ec2Face } from './face.js';
import { EC2_ID_RE, ec2Id, ec2State, simId } from './ids.js';
import { list, type Params } from './query.js';
import type { XmlNode } from './xml.js';

const ACTION: Record<string, MachineAction> = {
  TerminateInstances: 'terminate',
  StopInstances: 'stop',
  StartInstances: 'start',
  RebootInstances: 'reboot',
};
/** EC2 takes up to this many ids in one terminate/stop/start/reboot call. */
export const IDS_PER_CALL = 1000;
const NO_DRAWS: Draws = { bootMs: () => 0, rebootMs: () => 0, diesAt: () => null, shutdownMs: 0 };

/**
 * Terminate, stop, start and reboot, all or nothing as on EC2: one unknown id fails the whole
 * call with InvalidInstanceID.NotFound naming every unknown id, one instance in the wrong
 * state fails it with IncorrectInstanceState. A new instance is unknown here while it is
 * unknown to DescribeInstances (eventual consistency).
 */
export async function instanceAction(face: Ec2Face, name: string, p: Params): Promise<XmlNode> {
  const action = ACTION[name]!;
  const ids = list(p, 'InstanceId');
  if (ids.length === 0) throw new FaceError('MissingParameter', 'The request must contain the parameter InstanceId');
  if (ids.length > IDS_PER_CALL) throw new FaceError('InvalidParameterValue', `Too many instance ids: ${ids.length} (at most ${IDS_PER_CALL})`);
  const malformed = ids.filter((id) => !EC2_ID_RE.test(id));
  if (malformed.length > 0) throw new FaceError('InvalidInstanceID.Malformed', `Invalid id: "${malformed[0]}"`);
  const now = face.clock.now();
  // Only the ids asked about are read: a call costs its ids, not the cloud.
  const visible = new Map(ids.flatMap((id) => {
    const m = face.sim.machine(simId(id));
    // Known by its id as the face writes it (17 hex digits), as DescribeInstances shows it.
    return m && ec2Id(m.id) === id && now >= m.launchedAt + face.sim.options.listDelayMs ? [[id, m] as const] : [];
  }));
  const unknown = ids.filter((id) => !visible.has(id));
  if (unknown.length > 0) {
    throw new FaceError(
      'InvalidInstanceID.NotFound',
      unknown.length === 1 ? `The instance ID '${unknown[0]}' does not exist` : `The instance IDs '${unknown.join(', ')}' do not exist`,
    );
  }
  const before = ids.map((id) => visible.get(id)!);
  const refused = before.filter((m) => refuses(action, m, now));
  if (refused.length > 0) {
    const verb = { terminate: 'terminated', stop: 'stopped', start: 'started', reboot: 'rebooted' }[action];
    throw new FaceError('IncorrectInstanceState', `The instance '${refused.map((m) => ec2Id(m.id)).join(', ')}' is not in a state from which it can be ${verb}.`);
  }
  stopIfDryRun(p);
  const simIds = ids.map(simId);
  const run = { terminate: () => face.sim.terminate(simIds), stop: () => face.sim.stop(simIds), start: () => face.sim.start(simIds), reboot: () => face.sim.reboot(simIds, { hard: false }) }[action];
  await run();
  if (action === 'reboot') return { return: true };
  return {
    instancesSet: before.map((m) => ({
      instanceId: ec2Id(m.id),
      currentState: ec2State(shown(action, face.sim.machine(m.id)?.status ?? 'terminated')),
      previousState: ec2State(m.status),
    })),
  };
}

/** Dry-runs the sim's own transition on a copy, so the face refuses exactly what the sim would. */
function refuses(action: MachineAction, m: SimMachine & { status: ProviderStatus }, now: number): boolean {
  const copy = structuredClone(m);
  settle(copy, now);
  return TRANSITIONS[action](copy, now, NO_DRAWS) !== null;
}

/** EC2 answers with the state the action started: shutting-down, stopping, pending. */
function shown(action: MachineAction, s: ProviderStatus): ProviderStatus {
  if (action === 'terminate' && s !== 'terminated') return 'terminating';
  return s;
}
