import type { ProviderStatus } from '../../provider.js';
import type { SimMachine } from '../sim-machine.js';
import type { Ec2Face } from './face.js';
import { ec2Id, ec2State } from './ids.js';
import { subnetOf, VPC_ID } from './network-actions.js';
import type { XmlNode } from './xml.js';

/** One `<item>` of an instancesSet, in the order and shape EC2 writes. */
export function instanceXml(face: Ec2Face, m: SimMachine & { status: ProviderStatus }): XmlNode {
  const extra = face.instances.get(m.id);
  const state = ec2State(m.status);
  const ip = m.address;
  // Terminated instances keep no addresses or names on EC2.
  const live = state.name !== 'terminated';
  const pub = live ? m.publicAddress : undefined;
  return {
    instanceId: ec2Id(m.id),
    imageId: m.image,
    instanceState: state,
    privateDnsName: live ? `ip-${ip.replace(/\./g, '-')}.ec2.internal` : null,
    dnsName: pub ? `ec2-${pub.replace(/\./g, '-')}.compute-1.amazonaws.com` : null,
    reason: null,
    amiLaunchIndex: 0,
    instanceType: m.size,
    launchTime: new Date(m.launchedAt).toISOString(),
    placement: { availabilityZone: m.zone, groupName: null, tenancy: 'default' },
    monitoring: { state: 'disabled' },
    subnetId: subnetOf(face, m),
    vpcId: subnetOf(face, m) === undefined ? undefined : VPC_ID,
    privateIpAddress: live ? ip : undefined,
    ipAddress: pub,
    clientToken: extra?.clientToken ?? m.token,
    instanceLifecycle: extra?.spot ? 'spot' : undefined,
    stateReason: m.status === 'error'
      ? { code: 'Server.InternalError', message: `Server.InternalError: Internal error on launch (${m.fault ?? 'failed'})` }
      : m.status === 'terminated' && m.fault
        ? { code: face.interruptions.has(m.id) ? 'Server.SpotInstanceTermination' : 'Server.InternalError', message: m.fault }
        : undefined,
    tagSet: Object.entries(m.tags).map(([key, value]) => ({ key, value })),
  };
}
