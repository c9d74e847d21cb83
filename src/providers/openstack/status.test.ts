import { describe, expect, it } from 'vitest';
import { negotiate } from './microversion.js';
import { primaryAddress } from '../../domain/addresses.js';
import { providerStatus, toProviderMachine } from './status.js';

describe('Nova status → provider status', () => {
  it.each([
    ['BUILD', null, 'pending'],
    ['ACTIVE', null, 'running'],
    ['ACTIVE', 'rebooting', 'rebooting'],
    ['ACTIVE', 'powering-off', 'stopping'],
    ['ACTIVE', 'deleting', 'terminating'],
    ['REBOOT', 'reboot_started', 'rebooting'],
    ['HARD_REBOOT', 'reboot_started_hard', 'rebooting'],
    ['SHUTOFF', null, 'stopped'],
    ['SHUTOFF', 'powering-on', 'pending'],
    ['SHELVED_OFFLOADED', null, 'stopped'],
    ['SHELVED_OFFLOADED', 'unshelving', 'pending'],
    ['ERROR', null, 'error'],
    ['DELETED', null, 'terminated'],
    ['SOMETHING_NEW', null, 'error'],
  ] as const)('%s (%s) → %s', (status, task, want) => {
    expect(providerStatus(status, task)).toBe(want);
  });

  it('carries the fault of a server in ERROR, the zone, the flavor name and its addresses, IPv4 first', () => {
    const m = toProviderMachine({
      id: 's1',
      status: 'ERROR',
      created: '2026-01-01T00:00:00Z',
      metadata: { 'flotte:cluster': 'c' },
      flavor: { original_name: 'm1.tiny' },
      image: { id: 'img' },
      addresses: {
        private: [{ addr: 'fd00::1', version: 6, 'OS-EXT-IPS:type': 'fixed' }, { addr: '10.0.0.5', version: 4, 'OS-EXT-IPS:type': 'fixed' }, { addr: '172.24.4.9', version: 4, 'OS-EXT-IPS:type': 'floating' }],
        storage: [{ addr: '192.168.50.3', version: 4 }],
      },
      fault: { code: 500, message: 'No valid host was found.' },
      'OS-EXT-AZ:availability_zone': 'nova',
    });
    expect(m).toEqual({
      id: 's1',
      status: 'error',
      zone: 'nova',
      size: 'm1.tiny',
      image: 'img',
      launchedAt: Date.UTC(2026, 0, 1),
      tags: { 'flotte:cluster': 'c' },
      addresses: [
        { kind: 'fixed', value: '10.0.0.5', network: 'private' },
        { kind: 'floating', value: '172.24.4.9', network: 'private' },
        { kind: 'fixed', value: '192.168.50.3', network: 'storage' },
        { kind: 'fixed', value: 'fd00::1', network: 'private' },
      ],
      fault: 'No valid host was found.',
    });
    expect(primaryAddress(m.addresses)).toBe('10.0.0.5');
  });
});

describe('microversion negotiation', () => {
  it('uses the newest version both sides know', () => {
    expect(negotiate({ min: '2.1', max: '2.93' })).toEqual([2, 93]);
    expect(negotiate({ min: '2.1', max: '2.60' })).toEqual([2, 60]);
    expect(negotiate({ min: '2.1', max: '2.100' })).toEqual([2, 93]);
    expect(negotiate({})).toEqual([2, 1]);
    expect(negotiate({ min: '3.0', max: '3.5' })).toBeUndefined();
  });
});
