import { ALL_FAULT_KINDS as FAULT_KINDS, type Fault, type Schedule } from './types.js';

/** Reads a schedule file (as a failure writes it), naming the first field that is wrong. */
export function parseSchedule(text: string, file: string): Schedule {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not JSON (${(e as Error).message}); give a file written by a failed campaign`, { cause: e });
  }
  const s = raw as Partial<Schedule>;
  const num = (v: unknown, field: string, min: number) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new Error(`${file}: ${field} must be a number ≥ ${min}`);
    return v;
  };
  if (typeof s !== 'object' || s === null) throw new Error(`${file}: expected an object with seed, hours, pools and faults`);
  num(s.seed, 'seed', 0);
  num(s.hours, 'hours', 0);
  num(s.pools, 'pools', 1);
  if (!Array.isArray(s.faults)) throw new Error(`${file}: faults must be a list`);
  const faults = s.faults.map((f: Partial<Fault>, i): Fault => {
    if (!(FAULT_KINDS as readonly string[]).includes(String(f.kind))) throw new Error(`${file}: faults[${i}].kind "${String(f.kind)}" is not one of ${FAULT_KINDS.join(', ')}`);
    return { kind: f.kind!, atMs: num(f.atMs, `faults[${i}].atMs`, 0), durationMs: num(f.durationMs, `faults[${i}].durationMs`, 0), pool: f.pool === undefined ? undefined : num(f.pool, `faults[${i}].pool`, 0), level: num(f.level, `faults[${i}].level`, 0) };
  });
  const controllers = s.controllers === undefined ? undefined : num(s.controllers, 'controllers', 2);
  return { seed: s.seed!, hours: s.hours!, pools: s.pools!, faults, ...(controllers !== undefined && { controllers }) };
}
