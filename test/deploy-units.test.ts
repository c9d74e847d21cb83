import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT, tempDir } from './support/process.js';
import { runTool, toolSuite } from './support/tools.js';

interface Unit {
  path: string;
  text: string;
}

/** The unit files docs/deploy.md tells people to write: an ```ini block under the line naming its path. */
function unitsOfDeployDoc(): Unit[] {
  const doc = readFileSync(join(ROOT, 'docs/deploy.md'), 'utf8');
  return [...doc.matchAll(/`(\/etc\/systemd\/system\/[\w.@-]+\.service)`[^\n]*\n```ini\n([\s\S]*?)```/g)].map((m) => ({ path: m[1]!, text: m[2]! }));
}

/**
 * A root for `systemd-analyze verify --root`: the system's own units (the targets the units
 * name) and an executable where each unit's ExecStart points, as `npm install -g` puts it.
 */
function verifyRoot(units: Unit[]): string {
  const root = tempDir('flotte-units-');
  cpSync('/usr/lib/systemd/system', join(root, 'usr/lib/systemd/system'), { recursive: true, verbatimSymlinks: true });
  for (const u of units) {
    mkdirSync(join(root, dirname(u.path)), { recursive: true });
    writeFileSync(join(root, u.path), u.text);
    const exec = /^ExecStart=(\S+)/m.exec(u.text)?.[1];
    if (exec) {
      mkdirSync(join(root, dirname(exec)), { recursive: true });
      writeFileSync(join(root, exec), '#!/bin/sh\n', { mode: 0o755 });
    }
  }
  return root;
}

const verify = (root: string, names: string[]) => runTool('systemd-analyze', ['verify', `--root=${root}`, ...names]);
const base = (path: string) => path.slice(path.lastIndexOf('/') + 1);

toolSuite('systemd-analyze', 'systemd', 'the systemd units in docs/deploy.md', () => {
  it('systemd-analyze verify accepts each unit without a warning', () => {
    const units = unitsOfDeployDoc();
    expect(units.map((u) => base(u.path))).toEqual(['flotte-controller.service', 'flotte-api.service']);
    const r = verify(verifyRoot(units), units.map((u) => base(u.path)));
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
  });

  it('the same check refuses a unit with a misspelt directive (so a broken doc would fail)', () => {
    const [unit] = unitsOfDeployDoc();
    const broken = { path: '/etc/systemd/system/flotte-broken.service', text: unit!.text.replace('ExecStart=', 'ExecStrat=') };
    const r = verify(verifyRoot([broken]), ['flotte-broken.service']);
    expect(r.output).toContain("Unknown key 'ExecStrat'");
    expect(r.code).not.toBe(0);
  });
});
