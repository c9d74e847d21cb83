import type { RunInstancesCommandInput, Tag } from '@aws-sdk/client-ec2';
import { TAG } from '../../domain/types.js';
import type { LaunchRequest } from '../provider.js';
import type { LaunchSettings } from './options.js';
import { bootUserData } from '../boot-user-data.js';
import { agentUserData, base64 } from './user-data.js';

/** `image: launch-template` in flotte.yaml leaves the AMI to the launch template. */
export const FROM_LAUNCH_TEMPLATE = 'launch-template';

export type Market = 'on-demand' | 'spot';
/** Set on Spot machines at launch, so a list tells the pool's on-demand base apart. */
export const MARKET_TAG = 'flotte:market';

/**
 * One RunInstances request: `MinCount: 1` so EC2 launches what it can (partial success is
 * a normal answer), ownership tags on the instance and its volumes at creation, the token
 * as ClientToken so a re-send returns the same instances.
 */
export function runInstancesInput(req: LaunchRequest, s: LaunchSettings, o: { size: string; count: number; market: Market; clientToken: string }): RunInstancesCommandInput {
  const all = { ...req.template.tags, ...req.tags, ...(o.market === 'spot' ? { [MARKET_TAG]: 'spot' } : {}) };
  const tags: Tag[] = Object.entries(all).map(([Key, Value]) => ({ Key, Value }));
  const ownership: Tag[] = tags.filter((t) => t.Key === TAG.cluster || t.Key === TAG.pool || t.Key === TAG.intent);
  const subnet = s.subnets?.[req.zone];
  const lt = s.launchTemplate;
  // The launch's own join token (handed over by the controller) wins over the provider-wide one from the environment.
  const join = req.agent
    ? { server: req.agent.server, pool: req.agent.pool, joinToken: req.agent.joinToken, packageSpec: s.agent?.packageSpec ?? 'flotte' }
    : s.agent ? { ...s.agent, pool: String(req.tags[TAG.pool] ?? '') } : undefined;
  const userData = bootUserData(req, join && agentUserData(join));
  const profile = s.iamInstanceProfile;
  return {
    MinCount: 1,
    MaxCount: o.count,
    ClientToken: o.clientToken,
    InstanceType: o.size as RunInstancesCommandInput['InstanceType'],
    ...(req.template.image !== FROM_LAUNCH_TEMPLATE ? { ImageId: req.template.image } : {}),
    ...(lt ? { LaunchTemplate: { ...(lt.id ? { LaunchTemplateId: lt.id } : { LaunchTemplateName: lt.name }), Version: lt.version ?? '$Default' } } : {}),
    ...(subnet ? { SubnetId: subnet } : { Placement: { AvailabilityZone: req.zone } }),
    ...(s.securityGroupIds?.length ? { SecurityGroupIds: s.securityGroupIds } : {}),
    ...(s.keyName ? { KeyName: s.keyName } : {}),
    ...(profile ? { IamInstanceProfile: profile.startsWith('arn:') ? { Arn: profile } : { Name: profile } } : {}),
    ...(s.blockDevices?.length
      ? { BlockDeviceMappings: s.blockDevices.map((b) => ({ DeviceName: b.deviceName, Ebs: { VolumeSize: b.volumeSize, VolumeType: (b.volumeType ?? 'gp3') as 'gp3', Encrypted: b.encrypted ?? true, DeleteOnTermination: true } })) }
      : {}),
    ...(userData ? { UserData: base64(userData) } : {}),
    ...(o.market === 'spot' ? { InstanceMarketOptions: { MarketType: 'spot', SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' } } } : {}),
    // IMDSv2 only: the agent's identity and the Spot notice are read with a session token.
    MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
    TagSpecifications: [
      { ResourceType: 'instance', Tags: tags },
      { ResourceType: 'volume', Tags: ownership },
    ],
  };
}

/**
 * How many of `count` new machines go to Spot: the pool's on-demand base is filled first,
 * then `spotPercentage` of the rest, rounded so the on-demand share never falls short.
 */
export function spotShare(count: number, onDemandLive: number, market: { onDemandBase: number; spotPercentage: number } | undefined): number {
  if (!market || market.spotPercentage <= 0) return 0;
  const baseGap = Math.max(0, market.onDemandBase - onDemandLive);
  const above = Math.max(0, count - baseGap);
  return Math.floor((above * market.spotPercentage) / 100);
}
