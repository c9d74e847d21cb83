import type { IncomingMessage } from 'node:http';
import type { Clock } from '../../../clock/clock.js';
import { simId } from '../ec2-face/ids.js';
import { int, list, type Params } from '../ec2-face/query.js';
import type { Ec2Listener } from '../ec2-face/server.js';
import type { SimCloud } from '../sim-cloud.js';
import type { CallLog } from './call-log.js';
import { SIM_CALLER_HEADER, type SimMethod } from './wire.js';

/** The EC2 actions that change the cloud, as the sim's own methods: what the call log records. */
const MUTATIONS: Record<string, SimMethod> = {
  RunInstances: 'launch',
  TerminateInstances: 'terminate',
  RebootInstances: 'reboot',
  StopInstances: 'stop',
  StartInstances: 'start',
};

/**
 * Who sent an EC2 request: flotte's caller header when a test sets it, else the access key id
 * of the signature (each controller may sign with its own keys), else unknown.
 */
function callerOf(req: IncomingMessage): string {
  const header = req.headers[SIM_CALLER_HEADER];
  if (header !== undefined) return String(header);
  const key = /Credential=([^/,\s]+)\//.exec(req.headers.authorization ?? '')?.[1];
  return key ?? 'unknown';
}

/** The EC2 face's entries in the shared call log: mutations only, as flotte's face logs them. */
export function logEc2Calls(sim: SimCloud, log: CallLog, clock: Clock): Ec2Listener {
  return (p: Params, req) => {
    const method = MUTATIONS[p.get('Action') ?? ''];
    if (method === undefined) return undefined;
    const launch = method === 'launch';
    const call = log.open(
      {
        face: 'ec2',
        at: clock.now(),
        caller: callerOf(req),
        method,
        outcome: 'ok',
        ...(launch ? { token: p.get('ClientToken'), count: int(p, 'MaxCount') } : { ids: list(p, 'InstanceId') }),
      },
      true,
    );
    // Machines made so far: the sim numbers them in order (ids.ts), so one this call made is numbered past it.
    const before = launch ? sim.createdCount : undefined;
    return (status, xml) => {
      call.answeredAt = clock.now();
      if (status !== 200) {
        call.outcome = 'error';
        call.error = /<Code>([^<]*)<\/Code>/.exec(xml)?.[1] ?? `HTTP ${status}`;
      } else if (before !== undefined) {
        // A replayed ClientToken answers with machines made earlier: only new ones count as created.
        const answered = [...xml.matchAll(/<instanceId>(i-[0-9a-f]+)<\/instanceId>/g)].map((m) => simId(m[1]!));
        call.created = answered.filter((id) => Number(id.slice(4)) > before).length;
      }
      log.close(call);
    };
  };
}
