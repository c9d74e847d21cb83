import { describe, expect, it } from 'vitest';
import { addFootprints, checkQuota, ZERO, type Footprint } from './quota.js';

const req: Footprint = { environments: 1, machines: 4, vcpus: 8, memoryGb: 32 };

describe('checkQuota', () => {
  const cases: { name: string; caps: Record<string, number>; usage: Footprint; refused?: string }[] = [
    { name: 'no caps', caps: {}, usage: ZERO },
    { name: 'exactly at the cap fits', caps: { vcpus: 16 }, usage: { ...ZERO, vcpus: 8 } },
    { name: 'one vCPU over', caps: { vcpus: 15 }, usage: { ...ZERO, vcpus: 8 }, refused: 'vcpus' },
    { name: 'environments first', caps: { environments: 1, vcpus: 1 }, usage: { ...ZERO, environments: 1 }, refused: 'environments' },
    { name: 'memory', caps: { memoryGb: 40 }, usage: { ...ZERO, memoryGb: 16 }, refused: 'memoryGb' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = checkQuota(req, [{ label: 'user alice', caps: c.caps, usage: c.usage }]);
      expect(r?.cap).toBe(c.refused);
    });
  }

  it('names the scope, the cap and the usage; user scope before team', () => {
    const r = checkQuota(req, [
      { label: 'user alice', caps: { vcpus: 100 }, usage: ZERO },
      { label: 'team pay', caps: { vcpus: 10 }, usage: { ...ZERO, vcpus: 6 } },
    ]);
    expect(r).toMatchObject({ scope: 'team pay', cap: 'vcpus', limit: 10, usage: 6, requested: 8 });
    expect(r!.message).toBe('over quota: team pay may use 10 vcpus, uses 6 and this environment needs 8');
  });
});

describe('addFootprints', () => {
  it('adds every measure', () => {
    expect(addFootprints(req, { environments: 2, machines: 3, vcpus: 5, memoryGb: 7 })).toEqual({ environments: 3, machines: 7, vcpus: 13, memoryGb: 39 });
  });
});

