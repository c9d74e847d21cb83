import type { DecisionsPage, DecisionView } from '../api/contract/index.js';

export type { DecisionsPage, DecisionView };

const STAGE_WORDS: Record<string, string> = {
  'stale-hold': 'held on missing or stale data',
  stabilization: 'stabilization window',
  cooldown: 'cooldown',
  'max-step': 'maximum step',
  bounds: 'min/max',
};

/** `flotte explain` in plain words: oldest of the shown decisions first, like `flotte events`. */
export function formatExplain(page: DecisionsPage): string {
  const out: string[] = [];
  const a = page.autoscaling;
  out.push(
    a
      ? `Pool ${page.pool}: desired ${page.desired}; ${a.policies} scaling ${a.policies === 1 ? 'policy' : 'policies'}, evaluated every ${a.evaluationInterval} s${a.dryRun ? ', DRY RUN (decides and explains, never acts)' : ''}.`
      : `Pool ${page.pool}: desired ${page.desired}; no autoscaling configured.`,
  );
  for (const c of page.conditions ?? []) out.push(`Condition ${c.type} since ${c.since}${c.until ? ` until ${c.until}` : ''}: ${c.message}`);
  if (page.items.length === 0) out.push('No decisions yet.');
  for (const d of [...page.items].reverse()) out.push('', ...formatDecision(d));
  return out.join('\n');
}

export function formatDecision(d: DecisionView): string[] {
  const lines = [`${d.at}  ${d.summary.split(' (')[0]}`];
  lines.push('  inputs:');
  for (const i of d.inputs) {
    const value = i.value === undefined ? 'no value' : `${i.metric} = ${i.value}`;
    const when = i.at ? ` at ${i.at}` : '';
    lines.push(`    ${i.value === undefined ? `${i.metric}: ` : ''}${value}${when}${i.problem ? ` — ${i.problem}` : ''}`);
  }
  lines.push('  policies:');
  for (const p of d.proposals) {
    lines.push(`    ${p.policy}: ${p.desired === undefined ? 'no opinion' : `proposes ${p.desired}`} (${p.why})`);
    if (p.forecast) lines.push(`      ${forecastLine(p.forecast)}`);
  }
  if (d.recommendation !== undefined && d.recommendation !== null) lines.push(`  combined: ${d.recommendation} (the largest proposal)`);
  for (const x of d.adjustments) lines.push(`  ${STAGE_WORDS[x.stage] ?? x.stage}: ${x.from} → ${x.to} (${x.why})`);
  lines.push(`  result: ${result(d)}`);
  return lines;
}

function result(d: DecisionView): string {
  const would = d.dryRun ? 'dry run, nothing done: would ' : '';
  if (d.desired > d.current) return `${would}scale out from ${d.current} to ${d.desired}`;
  if (d.desired < d.current) return `${would}scale in from ${d.current} to ${d.desired}`;
  const stab = d.adjustments.find((x) => x.stage === 'stabilization' && x.to > x.from);
  if (d.held) return `held at ${d.current}: missing or stale data never causes a scale-in (${d.held})`;
  if (stab) return `held at ${d.current}: scale-in to ${stab.from} waits for the stabilization window`;
  const cool = d.adjustments.find((x) => x.stage === 'cooldown');
  if (cool) return `held at ${d.current}: cooling down`;
  return `no change, ${d.current} is right`;
}

type ForecastView = NonNullable<DecisionView['proposals'][number]['forecast']>;

const num = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** Forecast against actual: what the model says for now beside the reading, then what it expects ahead and would set. */
function forecastLine(f: ForecastView): string {
  const fit = f.modelNow === undefined ? '' : `model ${num(f.modelNow)} now, `;
  const actual = f.actual === undefined ? '' : `actual ${num(f.actual)} now; `;
  return `forecast: ${fit}${actual}${f.metric} ${num(f.value)} expected at ${f.at} → ${f.acting ? 'sets at least' : 'would set'} ${f.desired}${f.acting ? '' : ' (forecast-only: not acted on)'}`;
}
