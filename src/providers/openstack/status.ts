import type { MachineAddress } from '../../domain/types.js';
import type { ProviderMachine, ProviderStatus } from '../provider.js';
import type { NovaServer } from './nova.js';

/**
 * Nova's server status onto flotte's provider status. The task state refines it, because a
 * server stays ACTIVE while Nova is already rebooting, stopping or deleting it:
 *
 *   BUILD ──► ACTIVE ◄──► REBOOT / HARD_REBOOT
 *     │         │ ▲
 *     ▼         ▼ │ os-start / unshelve
 *   ERROR     SHUTOFF ──► SHELVED(_OFFLOADED)
 *              any ──► DELETED (gone from lists, except with changes-since)
 */
const BY_STATUS: Record<string, ProviderStatus> = {
  BUILD: 'pending',
  REBUILD: 'pending',
  ACTIVE: 'running',
  REBOOT: 'rebooting',
  HARD_REBOOT: 'rebooting',
  SHUTOFF: 'stopped',
  STOPPED: 'stopped',
  SUSPENDED: 'stopped',
  PAUSED: 'stopped',
  SHELVED: 'stopped',
  SHELVED_OFFLOADED: 'stopped',
  // Still running guests, moving or being resized by an operator.
  MIGRATING: 'running',
  RESIZE: 'running',
  VERIFY_RESIZE: 'running',
  REVERT_RESIZE: 'running',
  PASSWORD: 'running',
  ERROR: 'error',
  RESCUE: 'error',
  UNKNOWN: 'error',
  DELETED: 'terminated',
  SOFT_DELETED: 'terminated',
};

export function providerStatus(status: string, taskState?: string | null): ProviderStatus {
  if (taskState === 'deleting' || taskState === 'soft-deleting') return 'terminating';
  const base = BY_STATUS[status] ?? 'error';
  if (base === 'running' && taskState?.startsWith('reboot')) return 'rebooting';
  if (base === 'running' && taskState === 'powering-off') return 'stopping';
  if (base === 'stopped' && (taskState === 'powering-on' || taskState === 'unshelving' || taskState?.startsWith('spawning'))) return 'pending';
  return base;
}

/**
 * Nova's addresses by network, each `fixed` (the port's own) or `floating` (NAT from outside);
 * without the extension field an address counts as fixed. IPv4 ones first, so the primary
 * address is one most networks route.
 */
function addressesOf(s: NovaServer): MachineAddress[] {
  const all = Object.entries(s.addresses ?? {}).flatMap(([network, list]) =>
    list.map((a) => ({ kind: a['OS-EXT-IPS:type'] === 'floating' ? ('floating' as const) : ('fixed' as const), value: a.addr, network, v6: a.version === 6 })),
  );
  return [...all.filter((a) => !a.v6), ...all.filter((a) => a.v6)].map(({ kind, value, network }) => ({ kind, value, network }));
}

/** Nova metadata key prefix handling: flotte's tag keys are used as metadata keys unchanged. */
export function toProviderMachine(s: NovaServer): ProviderMachine {
  const image = typeof s.image === 'object' && s.image ? (s.image.id ?? '') : '';
  return {
    id: s.id,
    status: providerStatus(s.status, s['OS-EXT-STS:task_state']),
    zone: s['OS-EXT-AZ:availability_zone'] ?? '',
    size: s.flavor?.original_name ?? s.flavor?.id ?? '',
    image,
    launchedAt: s.created ? Date.parse(s.created) : 0,
    tags: { ...s.metadata },
    addresses: addressesOf(s),
    ...(s.status === 'ERROR' && s.fault?.message ? { fault: s.fault.message } : {}),
  };
}
