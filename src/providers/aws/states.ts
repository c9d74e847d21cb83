import type { Instance, InstanceStatus } from '@aws-sdk/client-ec2';
import type { MachineAddress } from '../../domain/types.js';
import type { ProviderMachine, ProviderStatus } from '../provider.js';

/**
 * EC2 instance states onto the provider statuses (the controller maps those onto the
 * machine lifecycle): pending → pending, running → running, shutting-down → terminating,
 * terminated → terminated, stopping → stopping, stopped → stopped.
 */
const STATUS_OF: Record<string, ProviderStatus> = {
  pending: 'pending',
  running: 'running',
  'shutting-down': 'terminating',
  terminated: 'terminated',
  stopping: 'stopping',
  stopped: 'stopped',
};

/** State reasons that mean EC2 (not a person or flotte) ended the instance. */
const FAULT_REASONS = /^Server\.|^Client\.(InstanceInitiatedShutdown|InternalError|VolumeLimitExceeded)/;

export function toProviderMachine(i: Instance): ProviderMachine {
  const status = STATUS_OF[i.State?.Name ?? ''] ?? 'error';
  const reason = i.StateReason?.Code;
  const tags = Object.fromEntries((i.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  return {
    id: i.InstanceId ?? '',
    status,
    zone: i.Placement?.AvailabilityZone ?? '',
    size: i.InstanceType ?? '',
    image: i.ImageId ?? '',
    launchedAt: i.LaunchTime?.getTime() ?? 0,
    tags,
    addresses: addressesOf(i),
    fault: (status === 'terminated' || status === 'terminating') && reason && FAULT_REASONS.test(reason) ? reason : undefined,
  };
}

/** EC2's IPv4 addresses and names, private before public; empty strings (a terminated instance's names) left out. */
function addressesOf(i: Instance): MachineAddress[] {
  const found: [MachineAddress['kind'], string | undefined][] = [
    ['private', i.PrivateIpAddress],
    ['public', i.PublicIpAddress],
    ['dns', i.PrivateDnsName],
    ['dns', i.PublicDnsName],
  ];
  return found.flatMap(([kind, value]) => (value ? [{ kind, value }] : []));
}

/** Event codes after which the instance is lost or must move: treated as failed now, so it is replaced ahead of time. */
const FATAL_EVENTS = new Set(['instance-retirement', 'instance-stop', 'system-maintenance']);

/** Why DescribeInstanceStatus says an instance is broken, or undefined when it is fine. */
export function faultOf(s: InstanceStatus): string | undefined {
  if (s.SystemStatus?.Status === 'impaired') return 'SystemStatusImpaired';
  if (s.InstanceStatus?.Status === 'impaired') return 'InstanceStatusImpaired';
  const ev = (s.Events ?? []).find((e) => FATAL_EVENTS.has(e.Code ?? '') && !e.Description?.startsWith('[Completed]') && !e.Description?.startsWith('[Canceled]'));
  return ev ? `ScheduledEvent:${ev.Code}` : undefined;
}
