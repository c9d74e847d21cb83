/** One line of a chart: a name for the legend, a colour, a value per x. */
export interface Line {
  name: string;
  color: string;
  values: readonly number[];
  /** Drawn as a filled area under the line (capacity behind load reads at a glance). */
  area?: boolean | undefined;
}

export interface ChartSpec {
  title: string;
  /** X values in seconds since the start. */
  xs: readonly number[];
  lines: Line[];
  unit: string;
  width?: number | undefined;
  height?: number | undefined;
  /** A horizontal reference line (an SLO). */
  guide?: { value: number; label: string } | undefined;
}

const PAD = { left: 56, right: 12, top: 28, bottom: 36 };

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A number short enough for an axis: 1.2k, 3.4M, 0.25. */
export function short(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e6) return `${+(n / 1e6).toFixed(1)}M`;
  if (a >= 1e3) return `${+(n / 1e3).toFixed(1)}k`;
  return a >= 10 || n === 0 ? String(Math.round(n)) : String(+n.toFixed(2));
}

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((k) => k * p).find((x) => x >= v)!;
}

/** Days when the x range spans more than two days, else hours. */
function xLabel(seconds: number, span: number): string {
  return span > 2 * 86_400 ? `d${+(seconds / 86_400).toFixed(1)}` : `${+(seconds / 3600).toFixed(1)}h`;
}

/**
 * A self-contained line chart as an SVG string: no scripts, fonts or external references, so
 * it opens anywhere and drops into slides as it is.
 */
export function lineChart(c: ChartSpec): string {
  const w = c.width ?? 480;
  const h = c.height ?? 220;
  const iw = w - PAD.left - PAD.right;
  const ih = h - PAD.top - PAD.bottom;
  const xMax = Math.max(1, c.xs.at(-1) ?? 1);
  const yMax = niceMax(Math.max(c.guide?.value ?? 0, ...c.lines.flatMap((l) => l.values)));
  const x = (s: number): number => PAD.left + (s / xMax) * iw;
  const y = (v: number): number => PAD.top + ih - (v / yMax) * ih;
  const pts = (vs: readonly number[]): string => vs.map((v, i) => `${x(c.xs[i] ?? 0).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" font-family="sans-serif" font-size="11">`);
  out.push(`<title>${escapeXml(c.title)}</title><rect width="${w}" height="${h}" fill="#fff"/>`);
  out.push(`<text x="${PAD.left}" y="16" font-size="13" font-weight="bold">${escapeXml(c.title)}</text>`);
  for (let k = 0; k <= 4; k++) {
    const v = (yMax * k) / 4;
    out.push(`<line x1="${PAD.left}" x2="${w - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#555">${short(v)}</text>`);
  }
  for (let k = 0; k <= 4; k++) {
    const s = (xMax * k) / 4;
    out.push(`<text x="${x(s).toFixed(1)}" y="${h - PAD.bottom + 14}" text-anchor="middle" fill="#555">${xLabel(s, xMax)}</text>`);
  }
  out.push(`<text x="12" y="${PAD.top + ih / 2}" transform="rotate(-90 12 ${PAD.top + ih / 2})" text-anchor="middle" fill="#555">${escapeXml(c.unit)}</text>`);
  for (const l of c.lines) {
    if (l.values.length === 0) continue;
    if (l.area) out.push(`<polygon points="${x(0).toFixed(1)},${y(0)} ${pts(l.values)} ${x(c.xs.at(-1) ?? 0).toFixed(1)},${y(0)}" fill="${l.color}" fill-opacity="0.18" stroke="none"/>`);
    out.push(`<polyline points="${pts(l.values)}" fill="none" stroke="${l.color}" stroke-width="1.5"/>`);
  }
  if (c.guide) {
    out.push(`<line x1="${PAD.left}" x2="${w - PAD.right}" y1="${y(c.guide.value).toFixed(1)}" y2="${y(c.guide.value).toFixed(1)}" stroke="#c00" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${w - PAD.right}" y="${(y(c.guide.value) - 4).toFixed(1)}" text-anchor="end" fill="#c00">${escapeXml(c.guide.label)}</text>`);
  }
  c.lines.forEach((l, i) => {
    const lx = PAD.left + i * 130;
    out.push(`<rect x="${lx}" y="${h - 14}" width="10" height="10" fill="${l.color}"/><text x="${lx + 14}" y="${h - 5}">${escapeXml(l.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('');
}
