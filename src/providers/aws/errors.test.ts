import { describe, expect, it } from 'vitest';
import { ProviderError } from '../provider.js';
import { idsInNotFound, toProviderError } from './errors.js';

const sdkError = (code: string, status: number, message = 'EC2 says no') => Object.assign(new Error(message), { name: code, Code: code, $metadata: { httpStatusCode: status }, $fault: status >= 500 ? 'server' : 'client' });

describe('EC2 errors → ProviderError', () => {
  it.each([
    ['RequestLimitExceeded', 503, 'throttled', true],
    ['InsufficientInstanceCapacity', 500, 'capacity', false],
    ['InstanceLimitExceeded', 400, 'quota', false],
    ['VcpuLimitExceeded', 400, 'quota', false],
    ['UnauthorizedOperation', 403, 'auth', false],
    ['AuthFailure', 401, 'auth', false],
    ['InvalidInstanceID.NotFound', 400, 'not-found', false],
    ['InvalidParameterValue', 400, 'invalid', false],
    ['InvalidParameterCombination', 400, 'invalid', false],
    ['MissingParameter', 400, 'invalid', false],
    ['IdempotentParameterMismatch', 400, 'invalid', false],
    ['InternalError', 500, 'unavailable', true],
    ['Unavailable', 503, 'unavailable', true],
    ['SomethingNew', 500, 'unavailable', true],
    ['SomethingNewer', 400, 'invalid', false],
  ] as const)('%s (HTTP %d) → %s', (code, status, kind, retryable) => {
    const e = toProviderError(sdkError(code, status, 'Value (x) for parameter y is invalid'), { zone: 'a', size: 'm5.large' });
    expect(e).toBeInstanceOf(ProviderError);
    expect(e).toMatchObject({ kind, retryable, details: { code } });
    expect(e.message).toContain('Value (x) for parameter y is invalid');
    if (kind === 'capacity') expect(e.details).toMatchObject({ zone: 'a', size: 'm5.large' });
  });

  it('a network error without an HTTP status is unavailable', () => {
    expect(toProviderError(Object.assign(new Error('socket hang up'), { name: 'Error' })).kind).toBe('unavailable');
  });

  it('reads every unknown id out of a NotFound message', () => {
    expect(idsInNotFound("The instance IDs 'i-0123456789abcdef0, i-00000000000000001' do not exist")).toEqual(['i-0123456789abcdef0', 'i-00000000000000001']);
    expect(idsInNotFound("The instance ID 'i-1234abcd' does not exist")).toEqual(['i-1234abcd']);
  });
});
