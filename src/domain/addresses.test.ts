import { describe, expect, it } from 'vitest';
import { primaryAddress, sameAddresses } from './addresses.js';
import type { MachineAddress } from './types.js';

const a = (kind: MachineAddress['kind'], value: string, network?: string): MachineAddress => ({ kind, value, ...(network ? { network } : {}) });

describe('primaryAddress: the one to connect to', () => {
  it.each([
    ['nothing reported yet', [], undefined],
    ['EC2: private before public and names', [a('dns', 'ec2-54-1-2-3.compute-1.amazonaws.com'), a('public', '54.1.2.3'), a('private', '10.0.1.5')], '10.0.1.5'],
    ['EC2 with only names and a public IPv4', [a('dns', 'ip-10-0-1-5.ec2.internal'), a('public', '54.1.2.3')], '54.1.2.3'],
    ['Nova: the fixed address, not the floating one', [a('floating', '172.24.4.9', 'public'), a('fixed', '10.0.0.5', 'private')], '10.0.0.5'],
    ['Nova: two fixed addresses keep the provider order', [a('fixed', '10.0.0.5', 'a'), a('fixed', '192.168.0.5', 'b')], '10.0.0.5'],
    ['local: the agent endpoint', [a('local', '127.0.0.1:40123')], '127.0.0.1:40123'],
    ['only a name', [a('dns', 'db.internal')], 'db.internal'],
  ])('%s', (_why, list, expected) => {
    expect(primaryAddress(list)).toBe(expected);
  });
});

describe('sameAddresses', () => {
  it('compares kind, value and network, in order', () => {
    const x = [a('fixed', '10.0.0.5', 'private')];
    expect(sameAddresses(x, [a('fixed', '10.0.0.5', 'private')])).toBe(true);
    expect(sameAddresses(x, [a('fixed', '10.0.0.5', 'other')])).toBe(false);
    expect(sameAddresses(x, [...x, a('floating', '172.24.4.9')])).toBe(false);
    expect(sameAddresses([], [])).toBe(true);
  });

  it('a new address on the same network, or the same address of another kind, is a change', () => {
    const before = [a('fixed', '10.0.0.5', 'private'), a('floating', '172.24.4.9', 'private')];
    expect(sameAddresses(before, [a('fixed', '10.0.0.5', 'private'), a('floating', '172.24.4.17', 'private')])).toBe(false);
    expect(sameAddresses(before, [a('fixed', '10.0.0.5', 'private'), a('fixed', '172.24.4.9', 'private')])).toBe(false);
    expect(sameAddresses(before, [a('fixed', '10.0.0.5', 'private'), a('floating', '172.24.4.9', 'private')])).toBe(true);
  });
});
