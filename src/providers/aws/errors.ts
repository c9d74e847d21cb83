import { ProviderError, type ProviderErrorKind } from '../provider.js';

/**
 * EC2 error codes → flotte's closed set of kinds. The one place vendor codes are read;
 * above the provider nothing sees them (they travel only as `details.code` for the record).
 */
const KIND_OF: Record<string, ProviderErrorKind> = {
  RequestLimitExceeded: 'throttled',
  RequestResourceCountExceeded: 'throttled',
  Throttling: 'throttled',
  ThrottlingException: 'throttled',
  InsufficientInstanceCapacity: 'capacity',
  InsufficientHostCapacity: 'capacity',
  InsufficientReservedInstanceCapacity: 'capacity',
  InsufficientCapacity: 'capacity',
  SpotMaxPriceTooLow: 'capacity',
  InstanceLimitExceeded: 'quota',
  VcpuLimitExceeded: 'quota',
  MaxSpotInstanceCountExceeded: 'quota',
  InsufficientFreeAddressesInSubnet: 'quota',
  UnauthorizedOperation: 'auth',
  AuthFailure: 'auth',
  InvalidClientTokenId: 'auth',
  SignatureDoesNotMatch: 'auth',
  OptInRequired: 'auth',
  Blocked: 'auth',
  'InvalidInstanceID.NotFound': 'not-found',
  'InvalidAMIID.NotFound': 'invalid',
  InternalError: 'unavailable',
  InternalFailure: 'unavailable',
  ServiceUnavailable: 'unavailable',
  Unavailable: 'unavailable',
};

/** Prefixes EC2 uses for "the request itself is wrong" families (InvalidParameterValue, InvalidSubnetID.NotFound…). */
const INVALID_PREFIXES = ['Invalid', 'Missing', 'Unknown', 'Unsupported', 'IdempotentParameterMismatch', 'IncorrectInstanceState', 'IncorrectState', 'DryRunOperation'];

export function kindOfCode(code: string): ProviderErrorKind | undefined {
  const direct = KIND_OF[code];
  if (direct) return direct;
  if (INVALID_PREFIXES.some((p) => code.startsWith(p))) return 'invalid';
  return undefined;
}

interface SdkError {
  name?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: string;
  code?: string;
}

/**
 * Translates whatever the SDK threw. Unknown codes fall back on the HTTP fault: a server
 * fault is `unavailable` (retryable), a client fault `invalid` with EC2's message.
 * Network errors (no HTTP status) are `unavailable`: the next tick observes what happened.
 */
export function toProviderError(e: unknown, where: { zone?: string; size?: string } = {}): ProviderError {
  if (e instanceof ProviderError) return e;
  if (e instanceof Error && e.name === 'AbortError') throw e;
  const err = (e ?? {}) as SdkError;
  const code = err.Code ?? err.name ?? 'Unknown';
  const message = `${code}: ${err.message ?? String(e)}`;
  const kind = kindOfCode(code)
    ?? (err.$metadata?.httpStatusCode === undefined || err.$fault === 'server' || (err.$metadata.httpStatusCode ?? 0) >= 500 ? 'unavailable' : 'invalid');
  const details: ProviderError['details'] = { code };
  if (kind === 'capacity') Object.assign(details, where);
  return new ProviderError(kind, message, details);
}

/** EC2 names every unknown id of a call in the message ("The instance IDs 'i-1, i-2' do not exist"). */
export function idsInNotFound(message: string): string[] {
  return [...message.matchAll(/i-[0-9a-f]{8,17}/g)].map((m) => m[0]);
}
