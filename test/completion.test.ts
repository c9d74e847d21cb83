import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from './support/process.js';
import { toolSuite } from './support/tools.js';

/** The top-level commands as `flotte --help` lists them: the yardstick the scripts are held to. */
async function topLevelCommands(): Promise<string[]> {
  const help = (await runCli(['--help'])).stdout;
  const section = help.slice(help.indexOf('Commands:'));
  return section.split('\n').slice(1).map((l) => /^ {2}([a-z][a-z-]*)/.exec(l)?.[1]).filter((c): c is string => c !== undefined && c !== 'help');
}

const sh = (shell: string, script: string) => spawnSync(shell, ['-c', script], { encoding: 'utf8' });

it("flotte --version prints the package's version", async () => {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const r = await runCli(['--version']);
  expect(r.stdout.trim()).toBe(version);
  expect(r.code).toBe(0);
});

it('flotte completion with an unknown shell names the choices and exits 2', async () => {
  const r = await runCli(['completion', 'fish']);
  expect(r.stderr).toContain('Allowed choices are bash, zsh');
  expect(r.code).toBe(2);
});

describe('bash completion', () => {
  let file = '';
  let commands: string[] = [];
  beforeAll(async () => {
    file = join(tempDir('flotte-completion-'), 'flotte.bash');
    const r = await runCli(['completion', 'bash']);
    expect(r.code).toBe(0);
    writeFileSync(file, r.stdout);
    commands = await topLevelCommands();
  });
  const complete = (...words: string[]) => {
    const r = sh('bash', `source ${file}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _flotte; printf '%s\\n' "\${COMPREPLY[@]}"`);
    expect(r.stderr).toBe('');
    return r.stdout.split('\n').filter(Boolean);
  };

  it('bash -n accepts the script', () => {
    const r = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('offers every top-level command, and the global options', () => {
    expect(commands).toEqual(expect.arrayContaining(['up', 'pools', 'machines', 'scale', 'tokens', 'completion']));
    expect(complete('flotte', '')).toEqual(expect.arrayContaining([...commands, '--server', '--version', '--help']));
  });

  it("completes a prefix, a group's subcommands past a global option, a command's options, and files after --file", () => {
    expect(complete('flotte', 'ma')).toEqual(['machines']);
    expect(complete('flotte', '--server', 'http://127.0.0.1:7420', 'tokens', '')).toEqual(['create', 'bootstrap', 'list', 'revoke', '--help']);
    expect(complete('flotte', 'scale', '--')).toEqual(expect.arrayContaining(['--wait', '--timeout', '--json']));
    expect(complete('flotte', 'apply', '--file', join(ROOT, 'package.j'))).toEqual([join(ROOT, 'package.json')]);
  });
});

toolSuite('zsh', 'zsh', 'zsh completion', () => {
  it('zsh -n accepts the script, and it offers the top-level commands and subcommands', async () => {
    const file = join(tempDir('flotte-completion-'), '_flotte');
    writeFileSync(file, (await runCli(['completion', 'zsh'])).stdout);
    expect(spawnSync('zsh', ['-n', file], { encoding: 'utf8' }).status).toBe(0);
    // compadd and compdef belong to zsh's completion system; outside it they are stood in for by printing what would be offered.
    const offered = (words: string[]) =>
      sh('zsh', `compdef() { :; }; compadd() { shift; print -rl -- "$@"; }; source ${file}; words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}; _flotte`).stdout.split('\n').filter(Boolean);
    expect(offered(['flotte', ''])).toEqual(expect.arrayContaining(await topLevelCommands()));
    expect(offered(['flotte', 'tokens', ''])).toEqual(['create', 'bootstrap', 'list', 'revoke', '--help']);
  });
});
