import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, ROOT, freePort } from '../../../../test/support/process.js';
import { VirtualClock } from '../../../clock/virtual-clock.js';
import { SimCloud } from '../sim-cloud.js';
import { Ec2Face } from './face.js';
import { serveEc2Face, type RunningFace } from './server.js';

const launch = (token: string) =>
  new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', InstanceType: 'm5.large', MinCount: 3, MaxCount: 3, ClientToken: token, Placement: { AvailabilityZone: 'eu-west-1a' } });
const client = (endpoint: string) => new EC2Client({ region: 'eu-west-1', endpoint, maxAttempts: 1, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });

describe('an EC2 face that forgets ClientToken (a test option)', () => {
  let served: RunningFace | undefined;
  let child: ChildProcess | undefined;
  afterEach(async () => {
    await served?.close();
    served = undefined;
    if (child && child.exitCode === null) {
      const exited = new Promise((done) => child!.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
    child = undefined;
  });

  it('a re-sent RunInstances replays by default and launches anew when told to forget', async () => {
    for (const forgetClientToken of [false, true]) {
      const clock = new VirtualClock();
      const sim = new SimCloud({ zones: ['eu-west-1a'], forgetClientToken }, clock);
      served = await serveEc2Face(new Ec2Face(sim, clock));
      const ec2 = client(served.url);
      const first = await ec2.send(launch('li-resent'));
      const again = await ec2.send(launch('li-resent'));
      ec2.destroy();
      const same = again.Instances!.map((i) => i.InstanceId);
      expect(same).toHaveLength(3);
      if (forgetClientToken) expect(same.some((id) => first.Instances!.some((i) => i.InstanceId === id))).toBe(false);
      else expect(same).toEqual(first.Instances!.map((i) => i.InstanceId));
      expect(sim.all()).toHaveLength(forgetClientToken ? 6 : 3);
      await served.close();
      served = undefined;
    }
  });

  it('`flotte sim serve --forget-client-token` serves such a face, and --help says it is a test option', async () => {
    const help = spawnSync(process.execPath, [BIN, 'sim', 'serve', '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect(help.stdout).toMatch(/--forget-client-token\s+test option: RunInstances ignores ClientToken/);

    const port = await freePort();
    const proc = spawn(process.execPath, [BIN, 'sim', 'serve', '--port', String(port), '--zones', 'eu-west-1a', '--forget-client-token'], { cwd: ROOT });
    child = proc;
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      proc.stdout!.on('data', (d) => {
        out += d;
        const m = /EC2 endpoint at (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      proc.once('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const ec2 = client(url);
    const first = await ec2.send(launch('li-resent'));
    const again = await ec2.send(launch('li-resent'));
    ec2.destroy();
    expect(new Set([...first.Instances!, ...again.Instances!].map((i) => i.InstanceId)).size).toBe(6);
  });
});
