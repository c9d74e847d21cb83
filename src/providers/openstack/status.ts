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

/** Nova metadata key prefix handling: flotte's tag keys are used as metadata keys unchanged. */
export function toProviderMachine(s: NovaServer): ProviderMachine {
  const addresses = Object.values(s.addresses ?? {}).flat();
  const address = addresses.find((a) => a.version !== 6)?.addr ?? addresses[0]?.addr;
  const image = typeof s.image === 'object' && s.image ? (s.image.id ?? '') : '';
  return {
    id: s.id,
    status: providerStatus(s.status, s['OS-EXT-STS:task_state']),
    zone: s['OS-EXT-AZ:availability_zone'] ?? '',
    size: s.flavor?.original_name ?? s.flavor?.id ?? '',
    image,
    launchedAt: s.created ? Date.parse(s.created) : 0,
    tags: { ...s.metadata },
    ...(address ? { address } : {}),
    ...(s.status === 'ERROR' && s.fault?.message ? { fault: s.fault.message } : {}),
  };
}
