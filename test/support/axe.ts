import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The impacts that fail a page: what stops someone from using it, not what merely slows them. */
const BLOCKING = ['serious', 'critical'];

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  helpUrl: string;
  nodes: { target: string[]; html: string; failureSummary?: string }[];
}

/**
 * axe-core's verdict on the page as it stands, run inside the browser on the rendered DOM (so
 * contrast is computed from real styles). Returns the serious and critical violations only.
 */
export async function blockingViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated rather than added as a <script>: no page policy can refuse it, and it loads once per document.
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE);
  const result = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as { violations: AxeViolation[] };
  return result.violations.filter((v) => BLOCKING.includes(v.impact));
}

/** Violations as a person fixes them: rule, impact, what it asks, then each element with axe's own summary. */
export function describeViolations(where: string, violations: readonly AxeViolation[]): string {
  const lines = [`${where}: ${violations.length} serious or critical accessibility violation(s)`];
  for (const v of violations) {
    lines.push(`- ${v.id} (${v.impact}): ${v.help} <${v.helpUrl}>`);
    for (const n of v.nodes.slice(0, 5)) {
      lines.push(`    at ${n.target.join(' ')}: ${n.html.slice(0, 160)}`);
      if (n.failureSummary) lines.push(...n.failureSummary.split('\n').map((l) => `      ${l}`));
    }
    if (v.nodes.length > 5) lines.push(`    … and ${v.nodes.length - 5} more`);
  }
  return lines.join('\n');
}

/** The page's serious and critical violations, described, or undefined when it has none: a test collects these over its pages, then fails once with all of them. */
export async function accessibilityProblems(page: Page, where: string): Promise<string | undefined> {
  const violations = await blockingViolations(page);
  return violations.length > 0 ? describeViolations(where, violations) : undefined;
}

/** Fails with every serious or critical violation on the page, readably, naming `where` it was. */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  const problems = await accessibilityProblems(page, where);
  if (problems) throw new Error(problems);
}
