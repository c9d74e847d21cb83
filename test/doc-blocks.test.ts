import { describe, expect, it } from 'vitest';
import { docBlocks, isShell } from './support/doc-blocks.js';

const md = (...lines: string[]) => lines.join('\n');

describe('reading the blocks a doc asks readers to run', () => {
  it('finds each fenced block in order with its language, line and body; only sh, bash and shell are commands', () => {
    const { blocks, problems } = docBlocks(
      'a.md',
      md('# A', '```sh', './bin/flotte.js pools', '```', 'text', '```yaml', 'pools: {}', '```', '```bash', 'echo 1', 'echo 2', '```', '```text', '$ flotte pools', '```', '```shell extra words', 'true', '```'),
    );
    expect(problems).toEqual([]);
    expect(blocks.map((b) => [b.line, b.language, b.code])).toEqual([
      [2, 'sh', './bin/flotte.js pools'],
      [6, 'yaml', 'pools: {}'],
      [9, 'bash', 'echo 1\necho 2'],
      [13, 'text', '$ flotte pools'],
      [16, 'shell', 'true'],
    ]);
    expect(blocks.map(isShell)).toEqual([true, false, true, false, true]);
  });

  it('reads a block inside a list item without its indentation, and a longer fence holding a shorter one', () => {
    const { blocks } = docBlocks('a.md', md('- run this:', '', '  ```sh', '  FOO=1 \\', '    echo "$FOO"', '  ```', '````text', '```sh', 'not a block', '```', '````'));
    expect(blocks.map((b) => [b.language, b.code])).toEqual([
      ['sh', 'FOO=1 \\\n  echo "$FOO"'],
      ['text', '```sh\nnot a block\n```'],
    ]);
  });

  it('takes the reason of a <!-- not run: … --> marker on the line right above the fence, and only there', () => {
    const { blocks, problems } = docBlocks('a.md', md('<!-- not run: needs AWS credentials -->', '```sh', 'aws ec2 describe-instances', '```', '<!-- not run: too far -->', '', '```sh', 'true', '```'));
    expect(problems).toEqual([]);
    expect(blocks.map((b) => b.notRun)).toEqual(['needs AWS credentials', undefined]);
  });

  it('takes the condition of a <!-- run: … --> marker right above the fence: flotte stopped, restarted, or a PostgreSQL database', () => {
    const { blocks, problems } = docBlocks(
      'a.md',
      md(
        '<!-- run: with flotte stopped -->',
        '```sh',
        './bin/flotte.js restore "$file" --yes',
        '```',
        '<!-- run: after flotte restarts -->',
        '```sh',
        './bin/flotte.js pools',
        '```',
        '  <!-- run: with FLOTTE_DATABASE on PostgreSQL -->',
        '  ```sh',
        '  pg_dump "$FLOTTE_DATABASE"',
        '  ```',
        '```sh',
        'true',
        '```',
      ),
    );
    expect(problems).toEqual([]);
    expect(blocks.map((b) => [b.runWith, b.notRun])).toEqual([
      ['stopped', undefined],
      ['restarted', undefined],
      ['postgresql', undefined],
      [undefined, undefined],
    ]);
  });

  it('refuses a run condition the test does not know, a malformed one, and one on a block that is not run', () => {
    const { blocks, problems } = docBlocks(
      'a.md',
      md('<!-- run: with redis -->', '```sh', 'redis-cli ping', '```', '<!-- run with flotte stopped -->', '```sh', 'true', '```', '<!-- run: after flotte restarts -->', '```text', 'NAME', '```'),
    );
    expect(blocks.map((b) => b.runWith)).toEqual([undefined, undefined, 'restarted']);
    expect(problems.map((p) => [p.line, p.message.split(':')[0]])).toEqual([
      [2, 'unknown condition "with redis"'],
      [6, 'write the condition as <!-- run'],
      [10, 'only shell blocks are run'],
    ]);
  });

  it('refuses what would let a command escape the run: a bare fence, a console transcript, a malformed or misplaced marker, an unclosed fence', () => {
    const { problems } = docBlocks(
      'a.md',
      md('```', 'flotte pools', '```', '```console', '$ flotte pools', '```', '<!-- not-run -->', '```sh', 'true', '```', '<!-- not run: why -->', '```yaml', 'a: 1', '```', '```sh', 'never closed'),
    );
    expect(problems.map((p) => [p.line, p.message.split(':')[0]])).toEqual([
      [1, 'a fence without a language'],
      [4, '```console mixes commands and output'],
      [8, 'write the marker as <!-- not run'],
      [12, 'only shell blocks are run'],
      [15, 'the fence opened here is never closed (```)'],
    ]);
  });
});
