import { spawn } from 'node:child_process';
import { DescribeAvailabilityZonesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, ROOT, freePort, runCli } from '../../../../test/support/process.js';

/** `flotte <args> --port <free>` until `ready` shows on stdout; stdout and stderr kept apart. */
async function start(args: string[], ready: RegExp): Promise<{ url: string; out: () => string; err: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, ...args, '--port', String(port)], { cwd: ROOT });
  stops.push(() => child.kill('SIGTERM'));
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = ready.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  return { url, out: () => out, err: () => err };
}

const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((stop) => stop()));

describe('flotte sim serve --face', () => {
  it('serves both faces of one sim on one port with --face both, and takes --latency as --request-latency with a notice', async () => {
    const { url, out, err } = await start(['sim', 'serve', '--face', 'both', '--zones', 'eu-west-1a', '--latency', '0'], /EC2 endpoint at (http:\/\/\S+)/);
    expect(out()).toContain(`flotte face at ${url}`);
    expect(err()).toContain('--latency is deprecated and goes in the next release: it is --request-latency');
    const ec2 = new EC2Client({ region: 'eu-west-1', endpoint: url, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const zones = await ec2.send(new DescribeAvailabilityZonesCommand({}));
    expect(zones.AvailabilityZones?.map((z) => z.ZoneName)).toEqual(['eu-west-1a']);
    ec2.destroy();
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true });
    expect(await (await fetch(`${url}/calls`)).json()).toEqual([]);
  });

  it('refuses a face it does not have, and a flag for a face it does not serve, with exit 2', async () => {
    const face = await runCli(['sim', 'serve', '--face', 'gcp', '--port', '0']);
    expect(face.code).toBe(2);
    expect(face.stderr.trim()).toBe('flotte: --face: "gcp" is not a face (flotte, ec2 or both)');
    const delay = await runCli(['sim', 'serve', '--answer-delay', '5', '--port', '0']);
    expect(delay.code).toBe(2);
    expect(delay.stderr.trim()).toBe('flotte: --answer-delay is for flotte\'s face; add --face flotte or --face both');
  });

  it('documents the faces and the renamed latencies in --help', async () => {
    const help = await runCli(['sim', 'serve', '--help']);
    expect(help.stdout).toContain('--face <face>');
    expect(help.stdout).toContain('--request-latency <ms>');
    expect(help.stdout).toContain('--answer-delay <ms>');
    const alias = await runCli(['sim-server', '--help']);
    expect(alias.stdout).toContain('deprecated alias of `flotte sim serve --face flotte --port 7430`');
  });
});

describe('flotte sim-server (the alias)', () => {
  it('still serves flotte\'s face as before, and names its replacement on stderr', async () => {
    const { url, err } = await start(['sim-server', '--latency', '5'], /flotte sim-server at (http:\/\/\S+)/);
    expect(err()).toBe('flotte: `flotte sim-server` is deprecated and goes in the next release; use flotte sim serve --face flotte --port 7430 (its --latency is --answer-delay there)\n');
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true });
    expect(await (await fetch(`${url}/machines`)).json()).toEqual([]);
  });
});
