const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `30m`, `8h`, `2d` (and sums like `1h30m`) in ms; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const parts = /^(\d+[smhd])+$/.test(text) ? text.match(/\d+[smhd]/g) : null;
  if (!parts) return undefined;
  let ms = 0;
  for (const p of parts) ms += Number(p.slice(0, -1)) * UNIT_MS[p.slice(-1)]!;
  return ms > 0 ? ms : undefined;
}

/** The inverse, coarsely, for messages: `8h`, `1h30m`, `45s`. */
export function formatDuration(ms: number): string {
  let left = Math.round(ms / 1000);
  let out = '';
  for (const [unit, s] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const) {
    if (left >= s) {
      out += `${Math.floor(left / s)}${unit}`;
      left %= s;
    }
  }
  return out || '0s';
}
