import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, getJson, runCli, serveEc2, startUp, tempDir, waitFor, type UpProcess } from './support/process.js';

let up: UpProcess | undefined;
let cloud: ChildProcess | undefined;
afterEach(async () => {
  await up?.stop();
  if (cloud && cloud.exitCode === null && cloud.signalCode === null) {
    const gone = new Promise((r) => cloud!.once('exit', r));
    cloud.kill('SIGTERM');
    await gone;
  }
  up = cloud = undefined;
});

interface Condition {
  type: string;
  reason: string;
  message: string;
}
interface Event {
  id: number;
  reason: string;
  message: string;
}

const config = (port: number) => `
cluster: pu
providers:
  ec2:
    type: aws
    region: eu-west-1
    endpoint: http://127.0.0.1:${port}
    maxAttempts: 1
    subnets: { eu-west-1a: subnet-eu-west-1a }
templates:
  web:
    provider: ec2
    image: ami-1
    size: m5.large
pools:
  web:
    template: web
    min: 0
    max: 10
    desired: 2
`;


describe('a provider whose endpoint refuses connections', () => {
  it('shows as ProviderUnavailable (condition, one event, /readyz, flotte pools) with the cloud\'s error, and as ProviderRecovered once it answers', async () => {
    const port = await freePort(); // nobody listens there
    const dir = tempDir('flotte-unreachable-');
    writeFileSync(join(dir, 'flotte.yaml'), config(port));
    const env = { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_EC2_METADATA_DISABLED: 'true' };
    up = await startUp(dir, ['--log-level', 'warn'], env);
    const poolUrl = `${up.url}/api/v1/pools/web`;
    const eventsOf = async () => (await getJson<{ items: Event[] }>(`${poolUrl}/events?limit=1000`)).items;

    const cond = await waitFor('ProviderUnavailable', async () => (await getJson<{ conditions: Condition[] }>(poolUrl)).conditions.find((c) => c.type === 'ProviderUnavailable'), 90_000);
    expect(cond.message).toMatch(/provider ec2 has not answered since .*ECONNREFUSED/);

    const pools = await runCli(['pools'], { cwd: dir, server: up.url, env });
    expect(pools.code, pools.stderr).toBe(0);
    expect(pools.stdout).toMatch(/CONDITIONS/);
    expect(pools.stdout).toMatch(/web .*ProviderUnavailable/);
    expect(pools.stdout).toMatch(/web: ProviderUnavailable since .*ECONNREFUSED/);

    const ready = await getJson<{ ok: boolean; providers: Record<string, { answering: boolean; lastSuccess: string | null; error?: string }> }>(`${up.url}/readyz`);
    expect(ready.providers.ec2).toMatchObject({ answering: false, lastSuccess: null });
    expect(ready.providers.ec2!.error).toMatch(/ECONNREFUSED/);

    // Said once, not every tick.
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await eventsOf()).filter((e) => e.reason === 'ProviderUnavailable')).toHaveLength(1);

    cloud = await serveEc2(port);
    const recovered = await waitFor('ProviderRecovered', async () => (await eventsOf()).find((e) => e.reason === 'ProviderRecovered'), 90_000);
    expect(recovered.message).toMatch(/provider ec2 answers again/);
    expect((await getJson<{ conditions: Condition[] }>(poolUrl)).conditions).toEqual([]);
    const after = await getJson<{ providers: Record<string, { answering: boolean; lastSuccess: string | null }> }>(`${up.url}/readyz`);
    expect(after.providers.ec2!.answering).toBe(true);
    expect(Number.isNaN(Date.parse(after.providers.ec2!.lastSuccess ?? ''))).toBe(false);
  });
});
