/**
 * The fenced code blocks of a markdown file, as test/docs-run.e2e.test.ts runs them. The rules
 * it enforces are written for doc authors in docs/CONTRIBUTING-docs.md.
 */

/** Fences whose body a reader types into a shell: each one is run. */
export const SHELL_LANGUAGES = ['sh', 'bash', 'shell'] as const;

/** A fenced block; `line` is the 1-based line of its opening fence. */
export interface DocBlock {
  file: string;
  line: number;
  /** The info string's first word; '' for a bare fence. */
  language: string;
  code: string;
  /** The reason given by `<!-- not run: REASON -->` on the line right above the fence. */
  notRun?: string | undefined;
  /** What `<!-- run: CONDITION -->` on the line right above the fence asks the run to arrange first. */
  runWith?: RunCondition | undefined;
}

/**
 * The conditions a block may ask for with `<!-- run: WORDS -->`, by their words:
 * - `stopped`: the docs run stops its `flotte up` before the block and starts it again after it;
 * - `restarted`: it stops and starts its `flotte up` before the block;
 * - `postgresql`: the block gets `FLOTTE_DATABASE`, a fresh PostgreSQL database a flotte has
 *   migrated (skipped with a banner where PostgreSQL is unreachable, failed so under CI=true).
 */
export const RUN_CONDITIONS = {
  'with flotte stopped': 'stopped',
  'after flotte restarts': 'restarted',
  'with FLOTTE_DATABASE on PostgreSQL': 'postgresql',
} as const;
export type RunCondition = (typeof RUN_CONDITIONS)[keyof typeof RUN_CONDITIONS];

/** A block that breaks the rules, with what to do about it. */
export interface DocProblem {
  file: string;
  line: number;
  message: string;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/;
const NOT_RUN = /^\s*<!--\s*not run:\s*(\S.*?)\s*-->\s*$/;
const MARKER_LIKE = /<!--\s*(not|no)[\s_-]*run/i;
const RUN = /^\s*<!--\s*run:\s*(\S.*?)\s*-->\s*$/;
const RUN_LIKE = /<!--\s*run\b/i;

/** Every fenced block of `text`, in order, and the rule breaks among them. */
export function docBlocks(file: string, text: string): { blocks: DocBlock[]; problems: DocProblem[] } {
  const lines = text.split('\n');
  const blocks: DocBlock[] = [];
  const problems: DocProblem[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = FENCE.exec(lines[i]!);
    if (!m) continue;
    // A fence may sit in a list item: its body is indented as far, and read without that indentation.
    const indent = m[1]!.length;
    const fence = m[2]!;
    const language = m[3]!.toLowerCase();
    const close = new RegExp(`^\\s*\\${fence[0]}{${fence.length},}\\s*$`);
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !close.test(lines[j]!); j++) body.push(lines[j]!.slice(Math.min(indent, /^\s*/.exec(lines[j]!)![0].length)));
    if (j === lines.length) problems.push({ file, line: i + 1, message: `the fence opened here is never closed (${fence})` });
    const above = i > 0 ? lines[i - 1]! : '';
    const marker = NOT_RUN.exec(above);
    const run = RUN.exec(above);
    const runWith = run ? (RUN_CONDITIONS as Record<string, RunCondition>)[run[1]!] : undefined;
    const block: DocBlock = { file, line: i + 1, language, code: body.join('\n'), notRun: marker?.[1], runWith };
    blocks.push(block);
    const at = { file, line: i + 1 };
    if (language === '') problems.push({ ...at, message: 'a fence without a language: use ```sh for commands to run, ```text for output, pictures and synopses' });
    if (language === 'console' || language === 'shell-session') problems.push({ ...at, message: `\`\`\`${language} mixes commands and output: put the commands in \`\`\`sh and what they print in \`\`\`text` });
    if (!marker && MARKER_LIKE.test(above)) problems.push({ ...at, message: 'write the marker as <!-- not run: REASON --> on the line right above the fence' });
    if (run && runWith === undefined) problems.push({ ...at, message: `unknown condition "${run[1]}": write <!-- run: ${Object.keys(RUN_CONDITIONS).join(' -->, <!-- run: ')} -->` });
    if (!run && RUN_LIKE.test(above)) problems.push({ ...at, message: 'write the condition as <!-- run: CONDITION --> on the line right above the fence' });
    if (run && !isShell(block)) problems.push({ ...at, message: `only shell blocks are run: a \`\`\`${language || '(bare)'} block needs no "run" marker` });
    if (marker && !isShell(block)) problems.push({ ...at, message: `only shell blocks are run: a \`\`\`${language || '(bare)'} block needs no "not run" marker` });
    i = j;
  }
  return { blocks, problems };
}

export function isShell(block: DocBlock): boolean {
  return (SHELL_LANGUAGES as readonly string[]).includes(block.language);
}
