import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { ROOT } from '../test/support/process.js';
import { median, type Bench, type BenchResult } from './harness.js';

const POOLS = Number(process.env.FLOTTE_BENCH_NOTIFY_POOLS ?? 10);
const SIZE = 1_000;
const BACKLOG = 20_000;
/** Pairs of runs, alternated (without, with) so a machine getting busier does not favour one side. */
const PAIRS = Number(process.env.FLOTTE_BENCH_NOTIFY_PAIRS ?? 3);
/** The receiver's answer time: a real service takes some; it keeps 16 requests in flight. */
const ANSWER_MS = 5;

interface Run {
  tickMedianMs: number;
  tickP95Ms: number;
  tickMaxMs: number;
  /** Process CPU over the timed window: ticks, and the notifier when it runs. */
  cpuMs: number;
  windowStart: number;
  windowEnd: number;
}

/**
 * Issue 19: "delivery never slows the control loop (measured)". The controller's tick at 10 ×
 * 1,000 machines on sim, paced in real time, timed without notifications and with the notifier
 * running as deployed (same process, same store) on a 20,000-event backlog sent to a receiver
 * here, in the bench's process, so the receiver's work is not counted against the loop.
 */
export const notifyBench: Bench = async () => {
  const arrivals: number[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => (arrivals.push(Date.now()), setTimeout(() => res.writeHead(204).end(), ANSWER_MS)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const run = async (withUrl: boolean): Promise<Run> => {
    const args = ['--import', 'tsx', 'bench/notify-run.ts', String(POOLS), String(SIZE), String(BACKLOG), ...(withUrl ? [url] : [])];
    const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: ROOT, maxBuffer: 16 * 2 ** 20 });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as Run;
  };
  const plain: Run[] = [];
  const busy: Run[] = [];
  try {
    for (let i = 0; i < PAIRS; i++) {
      plain.push(await run(false));
      busy.push(await run(true));
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }
  const at = `${POOLS} pools × ${SIZE.toLocaleString('en')} on sim`;
  const m = (rs: Run[], k: keyof Run) => median(rs.map((r) => r[k]));
  const during = busy.map((r) => arrivals.filter((t) => t >= r.windowStart && t <= r.windowEnd).length);
  const perSecond = median(busy.map((r, i) => (during[i]! / (r.windowEnd - r.windowStart)) * 1000));
  // What the notifier costs the process: CPU with it, less CPU without, per delivery made meanwhile.
  const cpuPerDelivery = median(busy.map((r, i) => ((r.cpuMs - plain[i]!.cpuMs) / Math.max(1, during[i]!)) * 1000));
  const runs = (rs: Run[]) => ({ medianMs: rs.map((r) => r.tickMedianMs), p95Ms: rs.map((r) => r.tickP95Ms), maxMs: rs.map((r) => r.tickMaxMs), cpuMs: rs.map((r) => r.cpuMs) });
  const results: BenchResult[] = [
    { name: `controller tick, ${at}, no notifications (median of ${PAIRS} runs)`, value: m(plain, 'tickMedianMs'), unit: 'ms', detail: runs(plain) },
    { name: `controller tick, ${at}, while delivering a ${BACKLOG.toLocaleString('en')}-event backlog`, value: m(busy, 'tickMedianMs'), unit: 'ms', detail: runs(busy) },
    { name: 'controller tick while delivering ÷ without: median', value: m(busy, 'tickMedianMs') / m(plain, 'tickMedianMs'), unit: '×', target: { op: '<', value: 1.25 } },
    { name: 'controller tick while delivering ÷ without: p95', value: m(busy, 'tickP95Ms') / m(plain, 'tickP95Ms'), unit: '×', target: { op: '<', value: 1.5 } },
    { name: 'deliveries received during the timed ticks', value: perSecond, unit: '/s', detail: { perRun: during, windowMs: busy.map((r) => r.windowEnd - r.windowStart), received: arrivals.length } },
    { name: 'notifier CPU per delivery, in the controller process', value: cpuPerDelivery, unit: 'µs' },
  ];
  return results;
};
