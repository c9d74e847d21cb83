import { EC2Client, RunInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../clock/virtual-clock.js';
import { TAG } from '../../../domain/types.js';
import { Ec2Face } from '../ec2-face/face.js';
import { ec2Id } from '../ec2-face/ids.js';
import { SIM_CALL_LOG } from '../sim-gate.js';
import { SimCloud } from '../sim-cloud.js';
import { CallLog } from './call-log.js';
import { launchRequest } from '../../../../test/support/launch-request.js';
import { RemoteSim } from './remote-sim.js';
import { serveSimFaces, type RunningSimServer } from './sim-server.js';

let served: RunningSimServer | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

describe('one sim served through both faces', () => {
  it('lists through flotte\'s face what was launched through EC2\'s, and logs both in one call log', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 11, 6, 9, 0));
    const sim = new SimCloud({ zones: ['eu-west-1a'] }, clock);
    served = await serveSimFaces(sim, { flotte: {}, ec2: new Ec2Face(sim, clock) }, { host: '127.0.0.1', port: 0, clock });
    const ec2 = new EC2Client({ region: 'eu-west-1', endpoint: served.url, credentials: { accessKeyId: 'AKIDCTLA', secretAccessKey: 'x' }, maxAttempts: 1 });
    const tags = [{ Key: TAG.cluster, Value: 'both' }, { Key: TAG.pool, Value: 'web' }];
    const run = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', InstanceType: 'm5.large', MinCount: 2, MaxCount: 2, ClientToken: 'tok-1', TagSpecifications: [{ ResourceType: 'instance', Tags: tags }] }));
    ec2.destroy();

    const remote = new RemoteSim(served.url, {}, 'ctl-b');
    const listed = await remote.list({ cluster: 'both' });
    expect(listed.map((m) => ec2Id(m.id)).sort()).toEqual(run.Instances!.map((i) => i.InstanceId).sort());
    await remote.terminate([listed[0]!.id]);

    const calls = (await (await fetch(`${served.url}/calls`)).json()) as RunningSimServer['calls'];
    expect(calls.map((c) => [c.seq, c.face, c.caller, c.method, c.created])).toEqual([
      [1, 'ec2', 'AKIDCTLA', 'launch', 2],
      [2, 'flotte', 'ctl-b', 'terminate', undefined],
    ]);
    expect(calls[0]).toMatchObject({ token: 'tok-1', count: 2, outcome: 'ok' });
    expect(calls[1]!.ids).toEqual([listed[0]!.id]);
  });

  it('logs what each EC2 launch made (none when its ClientToken replays) and terminates only ids as EC2 writes them', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 11, 6, 9, 0));
    const sim = new SimCloud({ zones: ['eu-west-1a'] }, clock);
    served = await serveSimFaces(sim, { flotte: {}, ec2: new Ec2Face(sim, clock) }, { host: '127.0.0.1', port: 0, clock });
    const ec2 = new EC2Client({ region: 'eu-west-1', endpoint: served.url, credentials: { accessKeyId: 'AKIDCTLA', secretAccessKey: 'x' }, maxAttempts: 1 });
    const run = () => ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', InstanceType: 'm5.large', MinCount: 2, MaxCount: 2, ClientToken: 'tok-1' }));
    const first = await run();
    // Machines made through the other face between the two sends are not this token's.
    await new RemoteSim(served.url, {}, 'ctl-b').launch(launchRequest('t-2', 3, { zone: 'eu-west-1a' }));
    const again = await run();
    expect(again.Instances!.map((i) => i.InstanceId)).toEqual(first.Instances!.map((i) => i.InstanceId));

    const id = first.Instances![0]!.InstanceId!;
    const short = `i-${id.slice(-8)}`;
    await expect(ec2.send(new TerminateInstancesCommand({ InstanceIds: [short] }))).rejects.toMatchObject({ name: 'InvalidInstanceID.NotFound' });
    const ended = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    ec2.destroy();
    expect(ended.TerminatingInstances).toEqual([{ InstanceId: id, CurrentState: { Code: 32, Name: 'shutting-down' }, PreviousState: { Code: 0, Name: 'pending' } }]);

    const calls = (await (await fetch(`${served.url}/calls`)).json()) as RunningSimServer['calls'];
    expect(calls.map((c) => [c.face, c.method, c.token, c.created, c.outcome])).toEqual([
      ['ec2', 'launch', 'tok-1', 2, 'ok'],
      ['flotte', 'launch', 't-2', 3, 'ok'],
      ['ec2', 'launch', 'tok-1', 0, 'ok'],
      ['ec2', 'terminate', undefined, undefined, 'error'],
      ['ec2', 'terminate', undefined, undefined, 'ok'],
    ]);
  });

  it('keeps serving EC2 at every path when the EC2 face is alone', async () => {
    const clock = new VirtualClock();
    const sim = new SimCloud({ zones: ['eu-west-1a'] }, clock);
    served = await serveSimFaces(sim, { ec2: new Ec2Face(sim, clock) }, { host: '127.0.0.1', port: 0, clock });
    const res = await fetch(`${served.url}/calls?Action=DescribeAvailabilityZones`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('eu-west-1a');
  });
});

describe('the served call log', () => {
  it('keeps the newest SIM_CALL_LOG to twice that many calls, numbering on across trims', () => {
    const log = new CallLog();
    for (let i = 0; i < 2 * SIM_CALL_LOG + 1; i++) log.close(log.open({ face: 'flotte', at: i, caller: 't', method: 'terminate', outcome: 'ok' }, true));
    expect(log.calls).toHaveLength(SIM_CALL_LOG);
    expect(log.calls.at(-1)!.seq).toBe(2 * SIM_CALL_LOG + 1);
    expect(log.calls[0]!.seq).toBe(SIM_CALL_LOG + 2);
    expect(log.inflight.size).toBe(0);
  });

  it('does not log reads, though they are in flight', () => {
    const log = new CallLog();
    const read = log.open({ face: 'flotte', at: 0, caller: 't', method: 'list', outcome: 'ok' }, false);
    expect(log.calls).toEqual([]);
    expect([...log.inflight]).toEqual([read]);
  });
});
