import { cpus, freemem, loadavg, totalmem } from 'node:os';

/** Load as the agent reports it: 1-minute load average, CPU busy share since the last sample, memory in use. */
export interface LoadSample {
  load1: number;
  cpu: number;
  memory: number;
}

function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const c of cpus()) {
    const t = c.times.user + c.times.nice + c.times.sys + c.times.irq + c.times.idle;
    total += t;
    busy += t - c.times.idle;
  }
  return { busy, total };
}

/** Samples host load; CPU is measured between two calls, so the first sample reads since boot. */
export class LoadMeter {
  private last = { busy: 0, total: 0 };

  sample(): LoadSample {
    const now = cpuTimes();
    const total = now.total - this.last.total;
    const cpu = total > 0 ? (now.busy - this.last.busy) / total : 0;
    this.last = now;
    const clamp = (x: number) => Math.min(1, Math.max(0, x));
    return { load1: Math.max(0, loadavg()[0] ?? 0), cpu: clamp(cpu), memory: clamp(1 - freemem() / totalmem()) };
  }
}
