import { describe, expect, it } from 'vitest';
import { commandAsTyped, type Invocation } from './invocation.js';

const repo: Invocation = {
  scriptReal: '/home/ana/src/flotte/bin/flotte.js',
  onPath: undefined,
  viaNpx: false,
  cwd: '/home/ana/src/flotte',
  bin: '/home/ana/src/flotte/bin/flotte.js',
};
const installed = '/srv/ops/node_modules/flotte/bin/flotte.js';

describe('the command a user types to reach this flotte again', () => {
  it('in the repository: ./bin/flotte.js', () => {
    expect(commandAsTyped(repo)).toBe('./bin/flotte.js');
  });

  it('from a folder of the repository: the relative path; from elsewhere: the absolute one', () => {
    expect(commandAsTyped({ ...repo, cwd: '/home/ana/src' })).toBe('./flotte/bin/flotte.js');
    expect(commandAsTyped({ ...repo, cwd: '/tmp/run' })).toBe('/home/ana/src/flotte/bin/flotte.js');
  });

  it('npm start runs the sources through tsx: still the repository\'s bin', () => {
    expect(commandAsTyped({ ...repo, scriptReal: '/home/ana/src/flotte/src/cli/main.ts' })).toBe('./bin/flotte.js');
  });

  it('the same file on PATH (a global install, npm link): flotte', () => {
    expect(commandAsTyped({ ...repo, onPath: repo.scriptReal, cwd: '/tmp/run' })).toBe('flotte');
    expect(commandAsTyped({ ...repo, scriptReal: '/usr/lib/node_modules/flotte/bin/flotte.js', onPath: '/usr/lib/node_modules/flotte/bin/flotte.js' })).toBe('flotte');
  });

  it('a project install run through npx: npx flotte, though npx put it on PATH for the moment', () => {
    expect(commandAsTyped({ ...repo, scriptReal: installed, bin: installed, onPath: installed, viaNpx: true, cwd: '/srv/ops' })).toBe('npx flotte');
  });

  it('a project install run as node_modules/.bin/flotte: npx flotte', () => {
    expect(commandAsTyped({ ...repo, scriptReal: installed, bin: installed, cwd: '/srv/ops' })).toBe('npx flotte');
  });

  it('another flotte first on PATH does not make this one `flotte`', () => {
    expect(commandAsTyped({ ...repo, onPath: '/usr/lib/node_modules/flotte/bin/flotte.js' })).toBe('./bin/flotte.js');
  });
});
