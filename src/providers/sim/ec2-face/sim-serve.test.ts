import { spawn } from 'node:child_process';
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, ROOT, freePort } from '../../../../test/support/process.js';

describe('flotte sim serve', () => {
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  it('serves an EC2 endpoint the SDK can launch and list on', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'sim', 'serve', '--port', String(port), '--zones', 'eu-west-1a,eu-west-1b'], { cwd: ROOT });
    stop = () => child.kill('SIGTERM');
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const m = /EC2 endpoint at (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const ec2 = new EC2Client({ region: 'eu-west-1', endpoint: url, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const run = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', InstanceType: 'm5.large', MinCount: 2, MaxCount: 2, SubnetId: 'subnet-eu-west-1b', TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'flotte:cluster', Value: 'try' }] }] }));
    expect(run.Instances?.map((i) => i.Placement?.AvailabilityZone)).toEqual(['eu-west-1b', 'eu-west-1b']);
    const listed = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:flotte:cluster', Values: ['try'] }] }));
    expect(listed.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.State?.Name)).toEqual(['pending', 'pending']);
    ec2.destroy();
  });
});
