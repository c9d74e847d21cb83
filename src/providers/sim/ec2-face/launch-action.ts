import { randomUUID } from 'node:crypto';
import { isProviderError } from '../../provider.js';
import { checkImage, checkInstanceType } from './catalogue.js';
import { stopIfDryRun } from './dry-run.js';
import { FaceError, type Ec2Face } from './face.js';
import { instanceXml } from './instance-xml.js';
import { instanceTags, int, type Params } from './query.js';
import type { XmlNode } from './xml.js';

/**
 * RunInstances as EC2 answers it: at least MinCount or nothing (InsufficientInstanceCapacity),
 * up to MaxCount; ClientToken replays the first answer, or IdempotentParameterMismatch when
 * the same token comes with other parameters.
 */
export async function runInstances(face: Ec2Face, p: Params): Promise<XmlNode> {
  const min = int(p, 'MinCount');
  const max = int(p, 'MaxCount');
  if (min === undefined || max === undefined) throw new FaceError('MissingParameter', 'The request must contain the parameter MinCount and MaxCount');
  if (!(min >= 1) || !(max >= 1) || min > max) throw new FaceError('InvalidParameterValue', `Invalid value for MinCount (${min}) / MaxCount (${max})`);
  const template = launchTemplate(face, p);
  const imageId = p.get('ImageId') ?? template?.imageId;
  if (!imageId) throw new FaceError('MissingParameter', 'The request must contain the parameter ImageId');
  checkImage(face.images, imageId);
  const instanceType = p.get('InstanceType') ?? template?.instanceType ?? 'm1.small';
  checkInstanceType(face.instanceTypes, instanceType);
  const subnetId = p.get('SubnetId');
  let zone = p.get('Placement.AvailabilityZone');
  if (subnetId !== undefined) {
    zone = face.subnets[subnetId];
    if (!zone) throw new FaceError('InvalidSubnetID.NotFound', `The subnet ID '${subnetId}' does not exist`);
  }
  zone ??= face.sim.options.zones[0]!;
  if (!face.sim.options.zones.includes(zone)) throw new FaceError('InvalidParameterValue', `Invalid availability zone: [${zone}]`);
  const spot = p.get('InstanceMarketOptions.MarketType') === 'spot';
  stopIfDryRun(p);

  const token = p.get('ClientToken') ?? `face-${randomUUID()}`;
  const fingerprint = JSON.stringify([...p].filter(([k]) => k !== 'ClientToken' && k !== 'Action' && k !== 'Version').sort());
  // A face told to forget tokens (a test option) launches anew on every request, as a careless endpoint would.
  const prior = face.sim.options.forgetClientToken ? undefined : face.tokens.get(token);
  if (prior) {
    if (prior.fingerprint !== fingerprint) throw new FaceError('IdempotentParameterMismatch', `Client token '${token}' was used before with different parameters.`);
    return reservation(face, prior.reservationId, prior.simIds);
  }

  let simIds: string[];
  try {
    const r = await face.sim.launch({
      token,
      template: { name: 'ec2', version: 1, provider: 'ec2', image: imageId, sizes: [instanceType], zones: [zone], tags: {} },
      size: instanceType,
      zone,
      count: max,
      tags: instanceTags(p),
    });
    simIds = r.launched.map((m) => m.id);
  } catch (e) {
    if (isProviderError(e, 'capacity')) throw ice(instanceType, zone);
    throw e;
  }
  if (simIds.length < min) {
    // EC2 launches at least MinCount or nothing: give back what the sim made.
    await face.sim.terminate(simIds).catch(() => undefined);
    throw ice(instanceType, zone);
  }
  const reservationId = `r-${randomUUID().replace(/-/g, '').slice(0, 17)}`;
  for (const id of simIds) face.instances.set(id, { reservationId, clientToken: token, subnetId, spot, userData: p.get('UserData') });
  face.tokens.set(token, { fingerprint, reservationId, simIds });
  return reservation(face, reservationId, simIds);
}

function ice(instanceType: string, zone: string): FaceError {
  return new FaceError('InsufficientInstanceCapacity', `We currently do not have sufficient ${instanceType} capacity in the Availability Zone you requested (${zone}). Our system will be working on provisioning additional capacity.`);
}

function launchTemplate(face: Ec2Face, p: Params): { imageId: string; instanceType?: string | undefined } | undefined {
  const id = p.get('LaunchTemplate.LaunchTemplateId');
  const name = p.get('LaunchTemplate.LaunchTemplateName');
  if (id === undefined && name === undefined) return undefined;
  const found = face.options.launchTemplates?.[id ?? name!];
  if (found) return found;
  if (id !== undefined) throw new FaceError('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${id}, does not exist.`);
  throw new FaceError('InvalidLaunchTemplateName.NotFoundException', `The specified launch template, with template name ${name}, does not exist.`);
}

export function reservation(face: Ec2Face, reservationId: string, simIds: string[]): XmlNode {
  return {
    reservationId,
    ownerId: '000000000000',
    groupSet: [],
    instancesSet: simIds.flatMap((id) => {
      const m = face.sim.machine(id);
      return m ? [instanceXml(face, m)] : [];
    }),
  };
}

