import { afterEach, expect, it } from 'vitest';
import { awsCliSuite, awsEc2, type AwsResult } from '../../../../test/support/awscli.js';
import { VirtualClock } from '../../../clock/virtual-clock.js';
import { SimCloud } from '../sim-cloud.js';
import { Ec2Face } from './face.js';
import { serveEc2Face, type RunningFace } from './server.js';

/**
 * The face as users meet it: Debian's own `aws ec2 …` pointed at it with --endpoint-url. Every
 * assertion is on what the CLI prints and on the cloud behind the face afterwards.
 */
const REGION = 'eu-west-1';
const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
const AMI = 'ami-0123456789abcdef0';
const DRY = 'Request would have succeeded, but DryRun flag is set.';

let served: RunningFace | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

async function start() {
  const clock = new VirtualClock(Date.UTC(2026, 11, 6, 9, 0));
  const sim = new SimCloud({ zones: ZONES, bootSeconds: { min: 5, max: 5 }, terminateSeconds: 2 }, clock);
  const face = new Ec2Face(sim, clock);
  served = await serveEc2Face(face);
  const url = served.url;
  const aws = (...args: string[]) => awsEc2(url, REGION, args);
  const ok = async (...args: string[]): Promise<unknown> => {
    const r = await aws(...args);
    if (r.code !== 0) throw new Error(`aws ec2 ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout.trim() ? JSON.parse(r.stdout) : undefined;
  };
  const ids = async (...filters: string[]) => ((await ok('describe-instances', '--filters', ...filters, '--query', 'Reservations[].Instances[].InstanceId')) as string[]).sort();
  const states = () => new Map(sim.all().map((m) => [m.id, m.status]));
  return { clock, sim, face, aws, ok, ids, states };
}

/** Each `aws` call starts Python and loads the EC2 model (seconds on a loaded machine): room for a dozen or two per test. */
const AWS_TEST_TIMEOUT_MS = 300_000;

/** The CLI's one-line error: `An error occurred (Code) when calling the Action operation: Message`. */
function failed(r: AwsResult, code: string, message: string): void {
  expect(r.code).not.toBe(0);
  expect(r.stderr).toContain(`An error occurred (${code})`);
  expect(r.stderr).toContain(message);
}

awsCliSuite('the EC2 face under Debian\'s awscli', () => {
  it('answers every dry run with DryRunOperation (HTTP 412) after validating it, and changes nothing', async () => {
    const { clock, face, aws, ok, states, sim } = await start();
    const run = (await ok('run-instances', '--image-id', AMI, '--instance-type', 'm5.large', '--count', '2', '--subnet-id', 'subnet-eu-west-1a', '--tag-specifications', 'ResourceType=instance,Tags=[{Key=team,Value=blue}]')) as { Instances: { InstanceId: string }[] };
    const [a, b] = run.Instances.map((i) => i.InstanceId) as [string, string];
    await clock.advance(10_000);
    await ok('stop-instances', '--instance-ids', b);
    await clock.advance(10_000);
    const before = states();
    expect([...before.values()]).toEqual(['running', 'stopped']);

    const dryRuns: [string, string[]][] = [
      ['RunInstances', ['run-instances', '--image-id', AMI, '--instance-type', 'm5.large', '--count', '3']],
      ['TerminateInstances', ['terminate-instances', '--instance-ids', a, b]],
      ['StopInstances', ['stop-instances', '--instance-ids', a]],
      ['StartInstances', ['start-instances', '--instance-ids', b]],
      ['RebootInstances', ['reboot-instances', '--instance-ids', a]],
      ['CreateTags', ['create-tags', '--resources', a, '--tags', 'Key=team,Value=red']],
      ['DescribeInstances', ['describe-instances']],
      ['DescribeInstanceStatus', ['describe-instance-status']],
      ['DescribeSubnets', ['describe-subnets']],
      ['DescribeAvailabilityZones', ['describe-availability-zones']],
      ['DescribeTags', ['describe-tags']],
    ];
    // Independent of each other: run side by side, each aws process starts Python and loads the EC2 model.
    const answers = await Promise.all(dryRuns.map(([, args]) => aws(...args, '--dry-run')));
    dryRuns.forEach(([action], i) => {
      failed(answers[i]!, 'DryRunOperation', `when calling the ${action} operation: ${DRY}`);
      expect(face.count(412, action)).toBe(1);
    });

    // A dry run of a request the real call would refuse gets the refusal, not DryRunOperation.
    failed(await aws('terminate-instances', '--instance-ids', 'i-0000000000000dead', '--dry-run'), 'InvalidInstanceID.NotFound', "The instance ID 'i-0000000000000dead' does not exist");
    failed(await aws('run-instances', '--image-id', AMI, '--instance-type', 'm5.gigantic', '--count', '1', '--dry-run'), 'InvalidParameterValue', "Invalid value 'm5.gigantic' for InstanceType.");
    failed(await aws('create-tags', '--resources', 'i-0000000000000dead', '--tags', 'Key=team,Value=red', '--dry-run'), 'InvalidInstanceID.NotFound', "The instance ID 'i-0000000000000dead' does not exist");

    await clock.advance(60_000);
    expect(states()).toEqual(before);
    expect(sim.all().map((m) => m.tags)).toEqual([{ team: 'blue' }, { team: 'blue' }]);
    const seen = (await ok('describe-instances', '--query', 'Reservations[].Instances[].[InstanceId,State.Name]')) as string[][];
    expect(seen.sort()).toEqual([[a, 'running'], [b, 'stopped']].sort());
  }, AWS_TEST_TIMEOUT_MS);

  it('refuses malformed and unknown image ids and unknown instance types with EC2\'s codes, launching nothing', async () => {
    const { aws, sim } = await start();
    const launch = (image: string, type: string) => aws('run-instances', '--image-id', image, '--instance-type', type, '--count', '1');
    failed(await launch('ami-1', 'm5.large'), 'InvalidAMIID.Malformed', 'Invalid id: "ami-1" (expecting "ami-...")');
    failed(await launch('image-0123456789abcdef0', 'm5.large'), 'InvalidAMIID.Malformed', 'Invalid id: "image-0123456789abcdef0" (expecting "ami-...")');
    failed(await launch('ami-0fedcba9876543210', 'm5.large'), 'InvalidAMIID.NotFound', "The image id '[ami-0fedcba9876543210]' does not exist");
    failed(await launch(AMI, 'm5.gigantic'), 'InvalidParameterValue', "Invalid value 'm5.gigantic' for InstanceType.");
    failed(await launch(AMI, 'banana'), 'InvalidParameterValue', "Invalid value 'banana' for InstanceType.");
    expect(sim.all()).toEqual([]);
    failed(await aws('describe-vpcs'), 'InvalidAction', 'The action DescribeVpcs is not valid for this web service.');
  }, AWS_TEST_TIMEOUT_MS);

  it('answers DescribeAvailabilityZones and DescribeSubnets from the sim\'s zones, and tags with CreateTags/DescribeTags', async () => {
    const { ok, aws } = await start();
    const zones = (await ok('describe-availability-zones')) as { AvailabilityZones: { ZoneName: string; State: string; RegionName: string; ZoneType: string }[] };
    expect(zones.AvailabilityZones.map((z) => [z.ZoneName, z.State, z.RegionName, z.ZoneType])).toEqual(ZONES.map((z) => [z, 'available', REGION, 'availability-zone']));
    expect(await ok('describe-availability-zones', '--zone-names', 'eu-west-1b', '--query', 'AvailabilityZones[].ZoneName')).toEqual(['eu-west-1b']);
    expect(await ok('describe-availability-zones', '--filters', 'Name=zone-name,Values=*-1c', '--query', 'AvailabilityZones[].ZoneName')).toEqual(['eu-west-1c']);

    const subnets = (await ok('describe-subnets')) as { Subnets: { SubnetId: string; AvailabilityZone: string; State: string; CidrBlock: string }[] };
    expect(subnets.Subnets.map((s) => [s.SubnetId, s.AvailabilityZone, s.State])).toEqual(ZONES.map((z) => [`subnet-${z}`, z, 'available']));
    expect(new Set(subnets.Subnets.map((s) => s.CidrBlock)).size).toBe(3);
    expect(await ok('describe-subnets', '--filters', 'Name=availability-zone,Values=eu-west-1b', '--query', 'Subnets[].SubnetId')).toEqual(['subnet-eu-west-1b']);
    failed(await aws('describe-subnets', '--subnet-ids', 'subnet-nowhere'), 'InvalidSubnetID.NotFound', "The subnet ID 'subnet-nowhere' does not exist");

    const run = (await ok('run-instances', '--image-id', AMI, '--instance-type', 't3.micro', '--count', '2')) as { Instances: { InstanceId: string }[] };
    const [a, b] = run.Instances.map((i) => i.InstanceId) as [string, string];
    expect(await ok('create-tags', '--resources', a, 'subnet-eu-west-1a', '--tags', 'Key=owner,Value=ana', 'Key=stage,Value=')).toBeUndefined();
    const tags = (await ok('describe-tags', '--filters', 'Name=key,Values=owner,stage')) as { Tags: { ResourceId: string; ResourceType: string; Key: string; Value: string }[] };
    expect(tags.Tags.map((t) => [t.ResourceId, t.ResourceType, t.Key, t.Value]).sort()).toEqual([
      [a, 'instance', 'owner', 'ana'],
      [a, 'instance', 'stage', ''],
      ['subnet-eu-west-1a', 'subnet', 'owner', 'ana'],
      ['subnet-eu-west-1a', 'subnet', 'stage', ''],
    ]);
    expect(await ok('describe-tags', '--filters', 'Name=resource-type,Values=instance', 'Name=value,Values=a?a', '--query', 'Tags[].ResourceId')).toEqual([a]);
    expect(await ok('describe-instances', '--instance-ids', a, '--query', 'Reservations[].Instances[].Tags[?Key==`owner`].Value[]')).toEqual(['ana']);
    expect(await ok('describe-instances', '--instance-ids', b, '--query', 'Reservations[].Instances[].Tags[]')).toEqual([]);
    expect(await ok('describe-subnets', '--filters', 'Name=tag:owner,Values=ana', '--query', 'Subnets[].SubnetId')).toEqual(['subnet-eu-west-1a']);
    failed(await aws('create-tags', '--resources', 'vol-0123456789abcdef0', '--tags', 'Key=owner,Value=ana'), 'InvalidID', "The ID 'vol-0123456789abcdef0' is not valid");
  }, AWS_TEST_TIMEOUT_MS);

  it('filters DescribeInstances with * and ? wildcards, and by client-token, reservation-id, subnet-id and tag-value', async () => {
    const { ok, ids } = await start();
    const launch = async (token: string, subnet: string, team: string, type: string) => {
      const r = (await ok('run-instances', '--image-id', AMI, '--instance-type', type, '--count', '2', '--client-token', token, '--subnet-id', subnet, '--tag-specifications', `ResourceType=instance,Tags=[{Key=team,Value=${team}}]`)) as { ReservationId: string; Instances: { InstanceId: string }[] };
      return { reservation: r.ReservationId, ids: r.Instances.map((i) => i.InstanceId).sort() };
    };
    const blue = await launch('tok-blue', 'subnet-eu-west-1a', 'blue-1', 'm5.large');
    const green = await launch('tok-green', 'subnet-eu-west-1b', 'green-22', 'c6i.xlarge');
    const all = [...blue.ids, ...green.ids].sort();

    const cases: [string[], string[]][] = [
      [['Name=tag:team,Values=blue-*'], blue.ids],
      [['Name=tag-value,Values=green-??'], green.ids],
      [['Name=tag-value,Values=green-?'], []],
      [['Name=tag-key,Values=te*'], all],
      [['Name=instance-type,Values=m5.*,c6i.*'], all],
      [['Name=client-token,Values=tok-green'], green.ids],
      [[`Name=reservation-id,Values=${blue.reservation}`], blue.ids],
      [['Name=subnet-id,Values=subnet-eu-west-1b'], green.ids],
      [['Name=subnet-id,Values=subnet-*-1?', 'Name=availability-zone,Values=eu-west-1a'], blue.ids],
    ];
    const got = await Promise.all(cases.map(([filters]) => ids(...filters)));
    expect(got).toEqual(cases.map(([, want]) => want));
  }, AWS_TEST_TIMEOUT_MS);
});
