import { describe, expect, it } from 'vitest';
import type { Template } from '../types.js';
import { driftReasons } from './drift.js';

const v1: Template = { name: 'small', version: 1, provider: 'aws', image: 'ami-1', sizes: ['m5.large', 'm6i.large'], zones: ['eu-west-1b', 'eu-west-1a'], tags: { team: 'core' } };
const machine = { size: 'm6i.large', zone: 'eu-west-1a', templateVersion: 1 };
const pool = { zones: [] as string[] };

describe('drift', () => {
  it('names each field a running machine carries that changed', () => {
    const v2: Template = { ...v1, version: 2, image: 'ami-2', userData: '#cloud-config\n', tags: { team: 'data', cost: 'x' } };
    expect(driftReasons(machine, v1, v2, pool)).toEqual(['image ami-1 → ami-2', 'userData changed', 'tags changed: cost, team']);
  });

  it('a new version that touches no machine field is no drift: a fall-back size, a login name', () => {
    const v2: Template = { ...v1, version: 2, sizes: ['m5.large', 'm6i.large', 'm7i.large'], sshUser: 'debian' };
    expect(driftReasons(machine, v1, v2, pool)).toEqual([]);
  });

  it("a size dropped from the template, or a zone dropped from the pool, drifts the machines on it", () => {
    const v2: Template = { ...v1, version: 2, sizes: ['m7i.large'] };
    expect(driftReasons(machine, v1, v2, pool)).toEqual(['size m6i.large → m7i.large']);
    expect(driftReasons(machine, v1, v1, { zones: ['eu-west-1b'] })).toEqual(['zone eu-west-1a no longer in [eu-west-1b]']);
    expect(driftReasons({ ...machine, zone: 'eu-west-1b' }, v1, v1, { zones: ['eu-west-1b'] })).toEqual([]);
  });

  it("with no zones in the pool, the template's zones are the ones a machine must be in, all named", () => {
    const inC = { ...machine, zone: 'eu-west-1c' };
    expect(driftReasons(inC, v1, v1, pool)).toEqual(['zone eu-west-1c no longer in [eu-west-1b, eu-west-1a]']);
  });

  it('a machine is not drifted for its zone when nobody names zones, or when its zone is not known yet', () => {
    const anywhere: Template = { ...v1, zones: [] };
    expect(driftReasons({ ...machine, zone: 'eu-west-1c' }, anywhere, anywhere, pool)).toEqual([]);
    expect(driftReasons({ ...machine, zone: '' }, v1, v1, { zones: ['eu-west-1b'] })).toEqual([]);
  });

  it('an adopted machine, whose template version is unknown, is not taken for drifted', () => {
    expect(driftReasons({ ...machine, templateVersion: 0 }, undefined, { ...v1, version: 3, image: 'ami-3' }, pool)).toEqual([]);
  });
});
