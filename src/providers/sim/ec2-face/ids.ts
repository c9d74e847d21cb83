import type { ProviderStatus } from '../../provider.js';

/**
 * The sim numbers its machines (`sim-00000042`); EC2 ids are `i-` and 17 hex digits. The
 * mapping is a bijection on the counter, so the face keeps no id table.
 */
export function ec2Id(simId: string): string {
  const n = Number(simId.slice(4));
  return `i-${n.toString(16).padStart(17, '0')}`;
}

export const EC2_ID_RE = /^i-[0-9a-f]{8,17}$/;

export function simId(id: string): string {
  return `sim-${String(Number.parseInt(id.slice(2), 16)).padStart(8, '0')}`;
}

/** EC2's instance-state code and name; a reboot shows as running, a failed launch as terminated. */
export function ec2State(s: ProviderStatus): { code: number; name: string } {
  switch (s) {
    case 'pending':
      return { code: 0, name: 'pending' };
    case 'running':
    case 'rebooting':
      return { code: 16, name: 'running' };
    case 'terminating':
      return { code: 32, name: 'shutting-down' };
    case 'terminated':
    case 'error':
      return { code: 48, name: 'terminated' };
    case 'stopping':
      return { code: 64, name: 'stopping' };
    case 'stopped':
      return { code: 80, name: 'stopped' };
  }
}

/** HTTP status EC2 sends with an error code: throttles and outages 503, server faults 500, dry runs 412, else 400. */
export function httpStatusOf(code: string): number {
  if (code === 'DryRunOperation') return 412;
  if (code === 'RequestLimitExceeded' || code === 'RequestResourceCountExceeded' || code === 'Unavailable') return 503;
  if (code === 'InsufficientInstanceCapacity' || code === 'InternalError') return 500;
  return 400;
}
