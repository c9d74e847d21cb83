import { CreateTagsCommand, DescribeInstanceStatusCommand, DescribeInstancesCommand, DescribeTagsCommand, EC2Client, RunInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { isProviderError } from '../../provider.js';
import { launchRequest } from '../../../../test/support/launch-request.js';
import { faceRig, type FaceRig } from '../../../../test/support/ec2-face-rig.js';
import { DEFAULT_IMAGES } from './catalogue.js';
import { FACE_ACTIONS } from './face.js';

describe('EC2 face', () => {
  let rig: FaceRig;
  afterEach(async () => rig?.close());
  const post = (body: string) => fetch(rig.served.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }).then(async (r) => ({ status: r.status, text: await r.text() }));
  const sdk = () => new EC2Client({ region: 'eu-west-1', endpoint: rig.served.url, credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });

  it('answers in EC2 XML, and errors as EC2 does (Response/Errors/Error, RequestID, HTTP status)', async () => {
    rig = await faceRig();
    const ok = await post('Action=DescribeInstances&Version=2016-11-15');
    expect(ok.status).toBe(200);
    expect(ok.text).toMatch(/<DescribeInstancesResponse xmlns="http:\/\/ec2.amazonaws.com\/doc\/2016-11-15\/"><requestId>[0-9a-f-]{36}<\/requestId><reservationSet\/>/);
    const bad = await post('Action=TerminateInstances&Version=2016-11-15&InstanceId.1=i-0123456789abcdef0');
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/<Response><Errors><Error><Code>InvalidInstanceID.NotFound<\/Code><Message>The instance ID 'i-0123456789abcdef0' does not exist<\/Message><\/Error><\/Errors><RequestID>/);
  });

  it('throttles RunInstances by its bucket: 5 calls, then RequestLimitExceeded (503) until it refills at 2/s', async () => {
    rig = await faceRig();
    const template = { ...launchRequest('x', 1).template, image: 'ami-0123456789abcdef0', sizes: ['m5.large'] };
    const launch = (i: number) => rig.provider.launch({ ...launchRequest(`t${i}`, 1), template, zone: 'eu-west-1a', size: 'm5.large' });
    for (let i = 0; i < 5; i++) await launch(i);
    const e = await launch(5).catch((err: unknown) => err);
    expect(isProviderError(e, 'throttled')).toBe(true);
    expect(rig.face.count(503, 'RunInstances')).toBe(1);
    await rig.clock.advance(500);
    await launch(6);
    expect(rig.face.count(200, 'RunInstances')).toBe(6);
  });

  it('pages DescribeInstances with MaxResults/NextToken, and honours ClientToken', async () => {
    rig = await faceRig();
    const ec2 = sdk();
    const input = { ImageId: 'ami-0123456789abcdef0', InstanceType: 'm5.large' as const, MinCount: 1, MaxCount: 12, ClientToken: 'tok-1', TagSpecifications: [{ ResourceType: 'instance' as const, Tags: [{ Key: 'flotte:cluster', Value: 'c' }] }] };
    const a = await ec2.send(new RunInstancesCommand(input));
    const b = await ec2.send(new RunInstancesCommand(input));
    expect(b.Instances?.map((i) => i.InstanceId)).toEqual(a.Instances?.map((i) => i.InstanceId));
    expect(b.ReservationId).toBe(a.ReservationId);
    const mismatch = await ec2.send(new RunInstancesCommand({ ...input, MaxCount: 3 })).catch((e: { name: string }) => e.name);
    expect(mismatch).toBe('IdempotentParameterMismatch');
    const ids: string[] = [];
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const page = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:flotte:cluster', Values: ['c'] }], MaxResults: 5, NextToken }));
      for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) ids.push(i.InstanceId!);
      NextToken = page.NextToken;
      pages++;
    } while (NextToken);
    expect(pages).toBe(3);
    expect(ids.sort()).toEqual(a.Instances!.map((i) => i.InstanceId!).sort());
    ec2.destroy();
  });

  it('answers each DescribeInstances page with its instances as they are when that page is asked for', async () => {
    rig = await faceRig();
    const ec2 = sdk();
    const run = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', InstanceType: 'm5.large', MinCount: 7, MaxCount: 7 }));
    const shown = (page: { Reservations?: { Instances?: { InstanceId?: string; State?: { Name?: string } }[] }[] }) =>
      (page.Reservations ?? []).flatMap((r) => (r.Instances ?? []).map((i) => [i.InstanceId!, i.State!.Name!] as const));
    const first = await ec2.send(new DescribeInstancesCommand({ MaxResults: 5 }));
    expect(shown(first).map(([, state]) => state)).toEqual(Array(5).fill('pending'));
    const rest = run.Instances!.map((i) => i.InstanceId!).filter((id) => !shown(first).some(([seen]) => seen === id));
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: rest }));
    const second = await ec2.send(new DescribeInstancesCommand({ MaxResults: 5, NextToken: first.NextToken }));
    ec2.destroy();
    expect(shown(second).sort()).toEqual(rest.map((id) => [id, 'shutting-down']).sort());
    expect(second.NextToken).toBeUndefined();
  });

  it('reports impaired instances and fatal scheduled events as error, through DescribeInstanceStatus', async () => {
    rig = await faceRig({ sim: { bootSeconds: { min: 1, max: 1 } } });
    const template = { ...launchRequest('x', 1).template, image: 'ami-0123456789abcdef0', sizes: ['m5.large'] };
    const r = await rig.provider.launch({ ...launchRequest('t1', 3), template, zone: 'eu-west-1a', size: 'm5.large' });
    await rig.clock.advance(5_000);
    const [a, b] = r.launched.map((m) => m.id);
    const sim = (id: string) => `sim-${String(Number.parseInt(id.slice(2), 16)).padStart(8, '0')}`;
    rig.face.impair(sim(a!));
    rig.face.scheduleEvent(sim(b!), { code: 'instance-retirement', notBefore: rig.clock.now() + 86_400_000, description: 'The instance is running on degraded hardware' });
    const seen = new Map((await rig.provider.list({ cluster: 'c1' })).map((m) => [m.id, m]));
    expect(seen.get(a!)).toMatchObject({ status: 'error', fault: 'SystemStatusImpaired' });
    expect(seen.get(b!)).toMatchObject({ status: 'error', fault: 'ScheduledEvent:instance-retirement' });
    expect([...seen.values()].filter((m) => m.status === 'running')).toHaveLength(1);
    expect(rig.face.count(200, 'DescribeInstanceStatus')).toBe(1);
    const impaired = await sdk().send(new DescribeInstanceStatusCommand({ Filters: [{ Name: 'system-status.status', Values: ['impaired'] }] }));
    expect(impaired.InstanceStatuses?.map((st) => st.InstanceId)).toEqual([a]);
    const retiring = await sdk().send(new DescribeInstanceStatusCommand({ Filters: [{ Name: 'event.code', Values: ['instance-*'] }] }));
    expect(retiring.InstanceStatuses?.map((st) => st.InstanceId)).toEqual([b]);
  });

  it('gives flotte\'s aws provider an invalid-request error for a template whose image or size EC2 would refuse', async () => {
    rig = await faceRig();
    const launch = (image: string, size: string) => rig.provider.launch({ ...launchRequest('t-bad', 1), template: { ...launchRequest('x', 1).template, image, sizes: [size] }, zone: 'eu-west-1a', size }).catch((e: unknown) => e);
    const malformed = await launch('ami-1', 'm5.large');
    expect(isProviderError(malformed, 'invalid')).toBe(true);
    expect((malformed as Error).message).toContain('Invalid id: "ami-1"');
    const size = await launch('ami-0123456789abcdef0', 'm5.enormous');
    expect(isProviderError(size, 'invalid')).toBe(true);
    expect((size as Error).message).toContain("Invalid value 'm5.enormous' for InstanceType.");
    expect(rig.sim.all()).toEqual([]);
  });

  it('says InvalidAction (400) naming an action it does not answer', async () => {
    rig = await faceRig();
    const r = await post('Action=DescribeImages&Version=2016-11-15');
    expect(r.status).toBe(400);
    expect(r.text).toContain('<Code>InvalidAction</Code><Message>The action DescribeImages is not valid for this web service.</Message>');
  });

  it('is described in docs/providers/aws.md: every action it answers, and its default images', () => {
    const doc = readFileSync(new URL('../../../../docs/providers/aws.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Trying it without an account'), doc.indexOf('## Tests'));
    const listed = /\*\*Actions:\*\*([\s\S]*?)\. Any other/.exec(section)![1]!;
    expect([...listed.matchAll(/`(\w+)`/g)].map((m) => m[1])).toEqual(FACE_ACTIONS);
    for (const image of DEFAULT_IMAGES) expect(section).toContain(`\`${image}\``);
  });

  it('refuses an unknown filter name even when no instance would be compared', async () => {
    rig = await faceRig();
    const e = await sdk().send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-colour', Values: ['red'] }] })).catch((err: Error) => err);
    expect(e).toMatchObject({ name: 'InvalidParameterValue', message: "The filter 'instance-colour' is invalid" });
  });

  it('reads a backslash in a filter value as "the next character is literal"', async () => {
    rig = await faceRig();
    const ec2 = sdk();
    const run = async (value: string) => (await ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'job', Value: value }] }] }))).Instances![0]!.InstanceId!;
    const star = await run('a*b');
    const plain = await run('axb');
    const slash = await run('a\\b');
    const ids = async (...Values: string[]) => (await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:job', Values }] }))).Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId!)).sort();
    expect(await ids('a*b')).toEqual([star, plain, slash].sort());
    expect(await ids('a\\*b')).toEqual([star]);
    expect(await ids('a\\?b')).toEqual([]);
    expect(await ids('a\\\\b')).toEqual([slash]);
    ec2.destroy();
  });

  it('a dry run spends no NextToken: the page after it is still there', async () => {
    rig = await faceRig();
    const ec2 = sdk();
    await ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', InstanceType: 'm5.large', MinCount: 7, MaxCount: 7 }));
    const first = await ec2.send(new DescribeInstancesCommand({ MaxResults: 5 }));
    const dry = await ec2.send(new DescribeInstancesCommand({ NextToken: first.NextToken, DryRun: true })).catch((e: Error) => e.name);
    expect(dry).toBe('DryRunOperation');
    const second = await ec2.send(new DescribeInstancesCommand({ NextToken: first.NextToken }));
    expect(second.Reservations?.flatMap((r) => r.Instances ?? [])).toHaveLength(2);
    ec2.destroy();
  });

  it('pages DescribeTags, and keeps CreateTags all-or-nothing when one resource is unknown', async () => {
    rig = await faceRig();
    const ec2 = sdk();
    const run = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', InstanceType: 'm5.large', MinCount: 3, MaxCount: 3 }));
    const ids = run.Instances!.map((i) => i.InstanceId!);
    await ec2.send(new CreateTagsCommand({ Resources: ids, Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] }));
    const missing = await ec2.send(new CreateTagsCommand({ Resources: [ids[0]!, 'i-0000000000000beef'], Tags: [{ Key: 'c', Value: '3' }] })).catch((e: Error) => e.name);
    expect(missing).toBe('InvalidInstanceID.NotFound');
    const seen: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await ec2.send(new DescribeTagsCommand({ MaxResults: 5, NextToken, Filters: [{ Name: 'resource-type', Values: ['instance'] }] }));
      seen.push(...page.Tags!.map((t) => `${t.ResourceId}:${t.Key}=${t.Value}`));
      NextToken = page.NextToken;
    } while (NextToken);
    expect(seen).toEqual(ids.flatMap((id) => [`${id}:a=1`, `${id}:b=2`]));
    ec2.destroy();
  });
});
