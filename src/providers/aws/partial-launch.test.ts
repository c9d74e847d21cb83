import { afterEach, describe, expect, it } from 'vitest';
import { launchRequest, TEST_TEMPLATE } from '../../../test/support/launch-request.js';
import { faceRig, type FaceRig } from '../../../test/support/ec2-face-rig.js';
import { POOL, controlRig } from '../../../test/support/aws-control-rig.js';

const ZONE = 'eu-west-1a';

describe('aws: RunInstances answering with fewer instances than asked', () => {
  let rig: FaceRig;
  afterEach(async () => rig?.close());

  const request = (sizes: string[]) => launchRequest('li-partial', 17, { zone: ZONE, size: sizes[0]!, template: { ...TEST_TEMPLATE, provider: 'aws', image: 'ami-0123456789abcdef0', sizes, zones: [ZONE] } });

  it('says what EC2 said (returned 1 of 17), not an error EC2 never sent', async () => {
    rig = await faceRig({ sim: { zoneCapacity: { [ZONE]: 1 } } });
    const out = await rig.drive(rig.provider.launch(request(['m5.large'])));
    expect(out.launched).toHaveLength(1);
    expect(out.failed?.count).toBe(16);
    expect(out.failed?.error.kind).toBe('capacity');
    expect(out.failed?.error.message).toBe('RunInstances returned 1 of 17 m5.large');
    expect(out.failed?.error.details.code).toBeUndefined();
  });

  it('with the next type refused too: both answers, the second in EC2\'s own words', async () => {
    rig = await faceRig({ sim: { zoneCapacity: { [ZONE]: 1 } } });
    const out = await rig.drive(rig.provider.launch(request(['m5.large', 'm6i.large'])));
    expect(out.launched).toHaveLength(1);
    expect(out.failed?.count).toBe(16);
    expect(out.failed?.error.message).toMatch(/^RunInstances returned 1 of 17 m5.large; InsufficientInstanceCapacity: We currently do not have sufficient m6i.large capacity/);
    expect(out.failed?.error.details.code).toBe('InsufficientInstanceCapacity');
  });

  it('the controller\'s event carries EC2\'s answer', async () => {
    const r = await controlRig({ sim: { zoneCapacity: { [ZONE]: 1 } }, pool: { zones: [ZONE] }, sizes: ['m5.large'] });
    rig = r;
    await r.store.setDesired(POOL, 17);
    await r.tick();
    const failed = (await r.store.listEvents({ pool: POOL })).filter((e) => e.reason === 'LaunchFailed');
    expect(failed.map((e) => e.message)).toEqual(['16 of 17 machines in eu-west-1a (m5.large) not launched: RunInstances returned 1 of 17 m5.large']);
  });
});
