import { runCampaign } from './engine.js';
import { drawSchedule } from './schedule.js';
const hours = Number(process.argv[2] ?? 6), seed = Number(process.argv[3] ?? 1), pools = Number(process.argv[4] ?? 3);
const s = drawSchedule(seed, hours, pools);
const t0 = Date.now();
const r = await runCampaign(s, { onHour: (h) => console.log('hour', h, Date.now() - t0) });
console.log(JSON.stringify({ ...r, schedule: undefined, faults: s.faults.length }, null, 1));
