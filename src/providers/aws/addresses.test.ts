import { afterEach, describe, expect, it } from 'vitest';
import { launchRequest, TEST_TEMPLATE } from '../../../test/support/launch-request.js';
import { faceRig, type FaceRig } from '../../../test/support/ec2-face-rig.js';
import { primaryAddress } from '../../domain/addresses.js';

const ZONE = 'eu-west-1a';

describe("aws: a machine's addresses, as DescribeInstances reports them (through the SDK, over the sim's EC2 face)", () => {
  let rig: FaceRig;
  afterEach(async () => rig?.close());

  it('private IPv4 and DNS name from launch; a public IPv4 and DNS name once an Elastic IP is associated; none once terminated', async () => {
    rig = await faceRig();
    const req = launchRequest('li-addr', 1, { zone: ZONE, size: 'm5.large', template: { ...TEST_TEMPLATE, provider: 'aws', image: 'ami-0123456789abcdef0', sizes: ['m5.large'], zones: [ZONE] } });
    const [made] = (await rig.drive(rig.provider.launch(req))).launched;
    const list = async () => (await rig.drive(rig.provider.list({ cluster: 'c1' }))).find((m) => m.id === made!.id)!;
    await rig.clock.advance(60_000);

    const first = await list();
    const ip = primaryAddress(first.addresses)!;
    expect(ip).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect(first.addresses).toEqual([{ kind: 'private', value: ip }, { kind: 'dns', value: `ip-${ip.replace(/\./g, '-')}.ec2.internal` }]);

    rig.sim.associatePublic(rig.sim.all().map((m) => m.id));
    const pub = (await list()).addresses;
    const publicIp = pub.find((a) => a.kind === 'public')!.value;
    expect(pub).toEqual([
      { kind: 'private', value: ip },
      { kind: 'public', value: publicIp },
      { kind: 'dns', value: `ip-${ip.replace(/\./g, '-')}.ec2.internal` },
      { kind: 'dns', value: `ec2-${publicIp.replace(/\./g, '-')}.compute-1.amazonaws.com` },
    ]);
    expect(primaryAddress(pub)).toBe(ip);

    await rig.drive(rig.provider.terminate([made!.id]));
    await rig.clock.advance(120_000);
    expect(await list()).toMatchObject({ status: 'terminated', addresses: [] });
  });
});
