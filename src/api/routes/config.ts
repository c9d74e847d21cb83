import { z } from 'zod';
import { describeApply, planApply, type ApplyPlan } from '../../domain/apply-plan.js';
import type { Store, AppliedConfig } from '../../store/store.js';
import { ApiError } from '../errors.js';
import { defineRoute } from '../route.js';
import type { ApiDeps } from '../app.js';

export function configRoutes(deps: ApiDeps) {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/apply',
      summary: 'Validate a flotte.yaml, plan what it changes, and store it; a bad file, a dry run or an unallowed destroy changes nothing',
      tags: ['config'],
      permission: 'config:apply',
      body: z
        .object({
          source: z.string(),
          file: z.string().default('flotte.yaml'),
          /** Answer the plan and change nothing. */
          dryRun: z.boolean().default(false),
          /** Allow removing pools and shrinking a pool by more than half of its machines. */
          allowDestroy: z.boolean().default(false),
        })
        .strict(),
      async handler({ body }) {
        const parsed = deps.parseConfig(body.source, body.file);
        if (!parsed.ok) {
          throw new ApiError(
            'invalid_config',
            `${body.file} has ${parsed.errors.length} problem(s); nothing was changed`,
            parsed.errors.map((e) => ({ field: e.path, message: `${e.message} (${e.hint})` })),
            { errors: parsed.errors },
          );
        }
        const plan = await planFor(deps.store, parsed.applied);
        const lines = describeApply(plan, body.file);
        if (body.dryRun) return { dryRun: true, applied: false, plan, lines, pools: [] };
        if (plan.destructive.length > 0 && !body.allowDestroy) {
          const what = plan.destructive.map((p) => (p.change === 'remove' ? `remove pool ${p.pool} (terminating ${p.terminate} of ${p.machines} machines)` : `shrink pool ${p.pool} from ${p.desired.from} to ${p.desired.to} (terminating ${p.terminate} of ${p.machines} machines)`));
          throw new ApiError(
            'destroy_not_allowed',
            `applying ${body.file} would ${what.join(' and ')}; nothing was changed (if that is meant, apply again with --allow-destroy; API: allowDestroy: true)`,
            plan.destructive.map((p) => ({ field: `pools.${p.pool}`, message: p.change === 'remove' ? `removed: terminates ${p.terminate} of ${p.machines} machines` : `desired ${p.desired.from} → ${p.desired.to}: terminates ${p.terminate} of ${p.machines} machines` })),
            { plan, lines },
          );
        }
        const pools = await deps.store.applyConfig(parsed.applied, deps.clock.now());
        deps.wake?.();
        return { dryRun: false, applied: true, plan, lines, pools: pools.map((p) => ({ name: p.name, min: p.min, max: p.max, desired: p.desired })) };
      },
    }),
  ];
}

/** The plan against the store as it is now: its pools, their machines, and the last applied templates. */
async function planFor(store: Store, next: AppliedConfig): Promise<ApplyPlan> {
  const [pools, fileDesired, machines, config] = await Promise.all([store.listPools(), store.fileDesired(), store.listMachines(), store.currentConfig()]);
  const count = new Map<string, number>();
  for (const m of machines) count.set(m.pool, (count.get(m.pool) ?? 0) + 1);
  const names = new Set([...next.templates.map((t) => t.name), ...(config?.templates ?? []).map((t) => t.name)]);
  const versions = new Map<string, number>();
  for (const name of names) {
    const latest = await store.getTemplate(name);
    if (latest) versions.set(name, latest.version);
  }
  return planApply({
    current: pools.map((spec) => ({ spec, fileDesired: fileDesired.get(spec.name) ?? spec.desired, machines: count.get(spec.name) ?? 0 })),
    currentTemplates: config?.templates ?? [],
    versions,
    pools: next.pools,
    templates: next.templates,
  });
}
