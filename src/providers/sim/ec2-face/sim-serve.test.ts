import { spawn } from 'node:child_process';
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, ROOT, freePort, runCli } from '../../../../test/support/process.js';
import { DEFAULT_IMAGES } from './catalogue.js';

describe('flotte sim serve', () => {
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  async function serve(...extra: string[]): Promise<{ url: string; out: () => string }> {
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'sim', 'serve', '--port', String(port), '--zones', 'eu-west-1a,eu-west-1b', ...extra], { cwd: ROOT });
    stop = () => child.kill('SIGTERM');
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        const m = /EC2 endpoint at (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    return { url, out: () => out };
  }

  it('serves an EC2 endpoint the SDK can launch and list on', async () => {
    const { url, out } = await serve();
    const ec2 = new EC2Client({ region: 'eu-west-1', endpoint: url, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const run = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', InstanceType: 'm5.large', MinCount: 2, MaxCount: 2, SubnetId: 'subnet-eu-west-1b', TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'flotte:cluster', Value: 'try' }] }] }));
    expect(run.Instances?.map((i) => i.Placement?.AvailabilityZone)).toEqual(['eu-west-1b', 'eu-west-1b']);
    const listed = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:flotte:cluster', Values: ['try'] }] }));
    expect(listed.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.State?.Name)).toEqual(['pending', 'pending']);
    expect(out()).toContain(`images: ${DEFAULT_IMAGES.join(', ')}`);
    ec2.destroy();
  });

  it('launches only the images --images names, and refuses a malformed --images with exit 2', async () => {
    const bad = await runCli(['sim', 'serve', '--port', '0', '--images', 'ami-0123456789abcdef0,ubuntu-22.04']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('flotte: --images: "ubuntu-22.04" is not an EC2 image id (ami- and 8 or 17 hex digits, e.g. ami-0123456789abcdef0)');

    const { url } = await serve('--images', 'ami-0aaaaaaaaaaaaaaaa');
    const ec2 = new EC2Client({ region: 'eu-west-1', endpoint: url, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
    const launch = (ImageId: string) => ec2.send(new RunInstancesCommand({ ImageId, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 }));
    expect((await launch('ami-0aaaaaaaaaaaaaaaa')).Instances).toHaveLength(1);
    const refused = await launch('ami-0123456789abcdef0').catch((e: { name: string; message: string }) => e);
    expect(refused).toMatchObject({ name: 'InvalidAMIID.NotFound', message: "The image id '[ami-0123456789abcdef0]' does not exist" });
    ec2.destroy();
  });
});
