import { describe, expect, it } from 'vitest';
import { ProviderError } from '../provider.js';
import { OpenStackApiError, errorMessage, retryAfterMs } from './api-error.js';
import { classify, faultError, toProviderError } from './errors.js';
import { ConnectionError } from './http.js';

describe('classify: Nova/Keystone answers onto ProviderError kinds', () => {
  it.each([
    [403, 'Quota exceeded for instances: Requested 1, but already used 5 of 5 instances', undefined, 'quota', false],
    [403, 'Quota exceeded for cores: Requested 2, but already used 10 of 10 cores', undefined, 'quota', false],
    [413, 'Quota exceeded for ram: Requested 512, but already used 1024 of 1024 ram', undefined, 'quota', false],
    [413, 'This request was rate-limited.', 30_000, 'throttled', true],
    [429, 'Too Many Requests', 5_000, 'throttled', true],
    [403, "Policy doesn't allow os_compute_api:os-flavor-manage:create to be performed.", undefined, 'auth', false],
    [401, 'The request you have made requires authentication.', undefined, 'auth', false],
    [404, 'Instance 7 could not be found.', undefined, 'not-found', false],
    [409, "Cannot 'reboot' instance 7 while it is in task_state powering-off", undefined, 'unavailable', true],
    [400, 'Invalid flavorRef provided.', undefined, 'invalid', false],
    [500, 'No valid host was found. There are not enough hosts available.', undefined, 'capacity', false],
    [500, 'Unexpected API Error.', undefined, 'unavailable', true],
    [503, 'Service Unavailable', undefined, 'unavailable', true],
  ] as const)('%i %s → %s', (status, message, retryAfter, kind, retryable) => {
    const e = toProviderError(new OpenStackApiError('nova', status, message, retryAfter));
    expect(e).toBeInstanceOf(ProviderError);
    expect(e.kind).toBe(kind);
    expect(e.retryable).toBe(retryable);
    if (retryAfter !== undefined && kind === 'throttled') expect(e.details.retryAfterMs).toBe(retryAfter);
  });

  it('names 409 a Conflict so the caller can tell it from an outage', () => {
    expect(classify(409, 'task_state deleting')).toEqual({ kind: 'unavailable', code: 'Conflict' });
  });

  it('maps connection failures and unknown throwables to unavailable', () => {
    const refused = new ConnectionError('http://127.0.0.1:1/v2.1/servers', Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } }));
    expect(toProviderError(refused)).toMatchObject({ kind: 'unavailable', retryable: true, details: { code: 'ConnectionError' } });
    expect(toProviderError(new TypeError('boom'))).toMatchObject({ kind: 'unavailable' });
  });

  it('passes ProviderErrors through untouched', () => {
    const e = new ProviderError('invalid', 'x');
    expect(toProviderError(e)).toBe(e);
  });

  it('scrubs secrets from every message', () => {
    const e = toProviderError(new OpenStackApiError('keystone', 401, 'keystone POST /auth/tokens: bad password s3cr3t-pw for user demo'), ['s3cr3t-pw']);
    expect(e.message).not.toContain('s3cr3t-pw');
    expect(e.message).toContain('***');
  });
});

describe('server faults', () => {
  it('reads "No valid host" as capacity: try another zone or flavor', () => {
    expect(faultError({ code: 500, message: 'No valid host was found. There are not enough hosts available.' })).toMatchObject({ kind: 'capacity', retryable: false });
  });
  it('reads other faults as unavailable', () => {
    expect(faultError({ code: 500, message: 'Build of instance 7 aborted: Failed to allocate the network(s)' }).kind).toBe('unavailable');
  });
});

describe('error envelopes', () => {
  it.each([
    [{ forbidden: { message: 'Quota exceeded', code: 403 } }, 'Quota exceeded'],
    [{ error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } }, 'The request you have made requires authentication.'],
    [{ NeutronError: { type: 'NetworkNotFound', message: 'Network x could not be found.', detail: '' } }, 'Network x could not be found.'],
    ['<html><body><h1>503 Service Unavailable</h1>No server is available.</body></html>', '503 Service Unavailable No server is available.'],
  ])('%j', (body, message) => {
    expect(errorMessage(body)).toBe(message);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.UTC(2026, 0, 1, 12);
    expect(retryAfterMs(new Headers({ 'retry-after': '7' }), now)).toBe(7000);
    expect(retryAfterMs(new Headers({ 'retry-after': new Date(now + 30_000).toUTCString() }), now)).toBe(30_000);
    expect(retryAfterMs(new Headers(), now)).toBeUndefined();
  });
});
