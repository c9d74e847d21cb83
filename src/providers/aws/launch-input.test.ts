import { describe, expect, it } from 'vitest';
import { TAG } from '../../domain/types.js';
import { launchRequest } from '../../../test/support/launch-request.js';
import { FROM_LAUNCH_TEMPLATE, runInstancesInput, spotShare } from './launch-input.js';
import { agentUserData } from './user-data.js';

describe('RunInstances input', () => {
  const req = launchRequest('li-1', 5, { zone: 'eu-west-1b', size: 'm5.large' });

  it('carries the token, ownership tags, the zone subnet and MinCount 1 (partial success)', () => {
    const input = runInstancesInput(req, { subnets: { 'eu-west-1b': 'subnet-b' }, securityGroupIds: ['sg-1'], keyName: 'k', iamInstanceProfile: 'flotte-node' }, { size: 'm5.large', count: 5, market: 'on-demand', clientToken: 'li-1' });
    expect(input).toMatchObject({ MinCount: 1, MaxCount: 5, ClientToken: 'li-1', SubnetId: 'subnet-b', InstanceType: 'm5.large', ImageId: 'img-1', SecurityGroupIds: ['sg-1'], KeyName: 'k', IamInstanceProfile: { Name: 'flotte-node' } });
    expect(input.TagSpecifications?.[0]?.Tags).toContainEqual({ Key: TAG.cluster, Value: 'c1' });
    expect(input.TagSpecifications?.[1]).toMatchObject({ ResourceType: 'volume' });
    expect(input.InstanceMarketOptions).toBeUndefined();
  });

  it('uses a launch template, keeping its AMI, and asks for Spot when told', () => {
    const input = runInstancesInput({ ...req, template: { ...req.template, image: FROM_LAUNCH_TEMPLATE } }, { launchTemplate: { name: 'analysis', version: '7' } }, { size: 'm5.large', count: 1, market: 'spot', clientToken: 't' });
    expect(input.ImageId).toBeUndefined();
    expect(input.LaunchTemplate).toEqual({ LaunchTemplateName: 'analysis', Version: '7' });
    expect(input.Placement).toEqual({ AvailabilityZone: 'eu-west-1b' });
    expect(input.InstanceMarketOptions?.MarketType).toBe('spot');
  });

  it('generates agent user-data with the join token, base64 as RunInstances wants', () => {
    const input = runInstancesInput(req, { agent: { server: 'https://flotte.internal', joinToken: 'jt-secret', packageSpec: 'flotte@0.1.0' } }, { size: 'm5.large', count: 1, market: 'on-demand', clientToken: 't' });
    const text = Buffer.from(input.UserData!, 'base64').toString('utf8');
    expect(text).toBe(agentUserData({ server: 'https://flotte.internal', joinToken: 'jt-secret', packageSpec: 'flotte@0.1.0', pool: 'web' }));
    expect(text).toContain('FLOTTE_JOIN_TOKEN=jt-secret');
    expect(text).toContain('flotte agent');
  });

  it("prefers the launch's join token handed over by the controller", () => {
    const input = runInstancesInput({ ...req, agent: { server: 'https://api', pool: 'web', joinToken: 'pool-secret' } }, { agent: { server: 'https://x', joinToken: 'env-secret', packageSpec: 'flotte' } }, { size: 'm5.large', count: 1, market: 'on-demand', clientToken: 't' });
    const text = Buffer.from(input.UserData!, 'base64').toString('utf8');
    expect(text).toContain('FLOTTE_JOIN_TOKEN=pool-secret');
    expect(text).not.toContain('env-secret');
  });

  it('fills the on-demand base first, then the Spot percentage of the rest', () => {
    expect(spotShare(10, 0, { onDemandBase: 2, spotPercentage: 100 })).toBe(8);
    expect(spotShare(10, 2, { onDemandBase: 2, spotPercentage: 50 })).toBe(5);
    expect(spotShare(3, 0, { onDemandBase: 5, spotPercentage: 100 })).toBe(0);
    expect(spotShare(10, 0, undefined)).toBe(0);
  });
});
