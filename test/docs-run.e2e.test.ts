/**
 * Docs that run (issue 21, item 8): every shell block of README.md and docs/**\/*.md is executed,
 * file by file and in order within a file, against one real `./bin/flotte.js up` on embedded
 * defaults (the built-in demo on the sim cloud, SQLite), so a doc that drifts from the code fails
 * the build. The convention, for authors (docs/CONTRIBUTING-docs.md says it at length):
 *
 * - Commands a reader types go in ```sh (or ```bash, ```shell); what they print, files, pictures
 *   and synopses in ```text (or ```yaml, ```ini, …). Every fence names its language: a bare fence
 *   or a ```console transcript fails the first test below.
 * - A block that cannot run here (real cloud credentials, files under /etc, a service on fixed
 *   ports, minutes of CPU) carries `<!-- not run: REASON -->` on the line right above its fence.
 *   The run lists every such block with its reason.
 * - A block that needs something arranged first carries `<!-- run: CONDITION -->` there instead:
 *   `with flotte stopped` (a restore: the run stops its `flotte up` before the block and starts it
 *   again after), `after flotte restarts` (stopped and started before the block), or
 *   `with FLOTTE_DATABASE on PostgreSQL` (a fresh database a flotte migrated, dropped after; where
 *   PostgreSQL is unreachable the block is skipped with a banner, and fails under CI=true). A
 *   restart is on the same data dir and port, from a directory without the flotte.yaml that
 *   docs/getting-started.md writes: flotte comes back on its stored config, as it was started.
 * - Each block runs as `bash -euo pipefail -c BLOCK` with a time limit, in the directory where that
 *   `flotte up` runs: `.flotte/` is its data dir (so the CLI finds the admin token there, as on a
 *   laptop), and bin/, examples/, monitoring/, schema/ and docs/ are the checkout's, linked.
 *   FLOTTE_SERVER names the server (a free port, not 7420: the machine is shared). Blocks share
 *   the server and the files they write, not shell variables. Whatever a block leaves running in
 *   the background is stopped when it ends.
 *
 * `flotte up` gets `--interval 500` (a tick every 0.5 s instead of 2 s) to keep the run short.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docBlocks, isShell, type DocBlock, type DocProblem } from './support/doc-blocks.js';
import { flotteUp } from './support/flotte-up.js';
import { killAgents } from './support/local.js';
import { ROOT, runCli, startUp, tempDir, type UpProcess } from './support/process.js';
import { inCi, postgresService, postgresUrl, servicesOff } from './support/services.js';

/** How long one block may take; the README's tour, the longest, runs a rolling restart and a capacity plan. */
const BLOCK_TIMEOUT_MS = 240_000;
const LINKED = ['bin', 'examples', 'monitoring', 'schema', 'docs'];

function markdownFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : []));
  return ['README.md', ...walk('docs')];
}

const parsed = markdownFiles().map((file) => docBlocks(file, readFileSync(join(ROOT, file), 'utf8')));
const problems: DocProblem[] = parsed.flatMap((p) => p.problems);
const shellBlocks: DocBlock[] = parsed.flatMap((p) => p.blocks.filter(isShell));
const toRun = shellBlocks.filter((b) => b.notRun === undefined);
const notRun = shellBlocks.filter((b) => b.notRun !== undefined);

interface BlockRun {
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  output: string;
}

/** Runs one block in its own process group, which is ended afterwards: background jobs go with it. */
function runBlock(code: string, cwd: string, env: NodeJS.ProcessEnv): Promise<BlockRun> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', code], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const group = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // the group is empty
      }
    };
    let timedOut = false;
    const limit = setTimeout(() => {
      timedOut = true;
      group('SIGTERM');
      setTimeout(() => group('SIGKILL'), 5_000).unref();
    }, BLOCK_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(limit);
      // A job the block put in the background holds the output pipes open: end it too.
      group('SIGTERM');
      const hard = setTimeout(() => group('SIGKILL'), 5_000);
      child.once('close', () => {
        clearTimeout(hard);
        resolve({ code, signal, timedOut, output });
      });
    });
  });
}

const tail = (text: string, lines = 40) => text.trimEnd().split('\n').slice(-lines).join('\n');

describe('the docs follow the convention', () => {
  it('every fence names its language and every "not run" marker is well-formed', () => {
    expect(problems.map((p) => `${p.file}:${p.line}: ${p.message}`)).toEqual([]);
    expect(toRun.length).toBeGreaterThan(5);
  });

  it("the README's first setup command is the `flotte up` the run below stands in for", () => {
    const readme = parsed[0]!.blocks.filter(isShell);
    // `npm ci` would reinstall the checkout under the other suites, so the run starts what `npm start` becomes.
    expect(readme[0]!.code.trim()).toBe('npm ci && npm start');
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.start).toMatch(/(^|&& )exec node bin\/flotte\.js up$/);
  });
});

describe('every shell block of README.md and docs/ runs against a real flotte up', () => {
  let up: UpProcess;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  /** Where a restarted `flotte up` runs: no flotte.yaml there, so it keeps the stored config. */
  let elsewhere: string;
  const outcomes: string[] = [];

  beforeAll(async () => {
    // No flotte.yaml: `flotte up` starts on its embedded defaults, as the README's first command does.
    dir = tempDir('flotte-docs-run-');
    for (const name of LINKED) symlinkSync(join(ROOT, name), join(dir, name));
    const { FLOTTE_TOKEN: _t, FLOTTE_DATA_DIR: _d, FLOTTE_SERVER: _s, ...rest } = process.env;
    up = await flotteUp(dir, [], {}, { launcher: ['./bin/flotte.js'] });
    elsewhere = tempDir('flotte-docs-restart-');
    env = { ...rest, FLOTTE_SERVER: up.url };
  }, 120_000);

  afterAll(async () => {
    await up?.stop();
    if (dir) await killAgents(dir);
    const reasons = notRun.map((b) => `  ${b.file}:${b.line}  ${b.notRun}`);
    const arranged = toRun.filter((b) => b.runWith !== undefined).length;
    console.log(
      [`docs-run: ${toRun.length} shell blocks run (${arranged} of them after arranging a condition), ${notRun.length} marked not run:`, ...reasons, ...(outcomes.length ? ['results:', ...outcomes] : [])].join('\n'),
    );
  });

  /** Stops the `flotte up` and starts it again on the same data dir and port, on its stored config. */
  async function restart(): Promise<void> {
    await up.stop();
    const port = Number(new URL(up.url).port);
    // Not flotteUp: that one would be stopped at the end of this test, and the blocks after it use it. afterAll stops it.
    up = await startUp(elsewhere, ['--data-dir', join(dir, '.flotte')], {}, { launcher: [join(ROOT, 'bin/flotte.js')], port });
  }

  /** A fresh PostgreSQL database that flotte has migrated, for a block of `postgresql`; undefined when it must be skipped. */
  async function flotteDatabase(where: string): Promise<{ url: string; drop(): Promise<void> } | undefined> {
    const service = postgresService();
    const reachable = !servicesOff() && (await service.probe());
    if (!reachable) {
      const why = `${where} needs PostgreSQL at ${service.host}:${service.port}, unreachable${servicesOff() ? ' (FLOTTE_TEST_SERVICES=off)' : ''}`;
      if (inCi() && !servicesOff()) throw new Error(`${why}, and CI=true forbids skipping it`);
      const line = '!'.repeat(72);
      console.warn(`\n${line}\n!!  SKIPPED: ${why}\n!!  (with CI=true this is a failure)\n${line}\n`);
      return undefined;
    }
    const name = `flotte_docs_${randomBytes(6).toString('hex')}`;
    const admin = async (sql: string) => {
      const client = new pg.Client({ connectionString: postgresUrl() });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    await admin(`create database "${name}"`);
    const url = new URL(postgresUrl());
    url.pathname = `/${name}`;
    // Any process that opens the store migrates it; bootstrap also leaves a token row to dump and restore.
    const boot = await runCli(['tokens', 'bootstrap', '--database', url.toString(), '--out', join(tempDir('flotte-docs-pg-'), 'token')]);
    if (boot.code !== 0) throw new Error(`flotte tokens bootstrap on ${url.toString()} exited ${boot.code}:\n${boot.stderr}`);
    return { url: url.toString(), drop: () => admin(`drop database if exists "${name}" with (force)`) };
  }

  for (const block of toRun) {
    const condition = block.runWith ? ` [${block.runWith}]` : '';
    it(`${block.file}:${block.line} (\`\`\`${block.language})${condition}`, async (ctx) => {
      const where = `${block.file}:${block.line}`;
      let blockEnv = env;
      let database: { url: string; drop(): Promise<void> } | undefined;
      if (block.runWith === 'postgresql') {
        database = await flotteDatabase(where);
        if (!database) {
          outcomes.push(`  SKIPPED ${where} (PostgreSQL unreachable)`);
          ctx.skip();
          return;
        }
        blockEnv = { ...env, FLOTTE_DATABASE: database.url };
      }
      if (block.runWith === 'stopped') await up.stop();
      if (block.runWith === 'restarted') await restart();
      let run: BlockRun;
      try {
        run = await runBlock(block.code, dir, blockEnv);
      } finally {
        if (block.runWith === 'stopped') await restart();
        await database?.drop();
      }
      const ok = run.code === 0 && !run.timedOut;
      outcomes.push(`  ${ok ? 'ok    ' : 'FAILED'} ${where}${condition}`);
      if (!ok) {
        const why = run.timedOut ? `did not finish within ${BLOCK_TIMEOUT_MS / 1000} s` : `exited ${run.code ?? run.signal}`;
        throw new Error(`${block.file}:${block.line}: the block ${why} (run in ${dir}, FLOTTE_SERVER=${up.url}):\n${block.code}\n--- output (last lines) ---\n${tail(run.output)}\n(fix the doc or the code; a block that cannot run here gets <!-- not run: REASON --> right above its fence)`);
      }
    }, BLOCK_TIMEOUT_MS + 30_000);
  }
});
