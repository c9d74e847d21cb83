import { z } from 'zod';
import { describeApply, describeDestroy, planAgainst, shrunk, type ApplyPlan } from '../../domain/apply-plan.js';
import { ApiError } from '../errors.js';
import { defineRoute } from '../route.js';
import type { ApiDeps } from '../app.js';
import { ApplyAnswerSchema, StoredConfigSchema, type StoredConfig } from '../contract/index.js';

export function configRoutes(deps: ApiDeps) {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/config',
      summary: 'The config flotte runs: the YAML the last apply stored (the built-in demo\'s before any), with its revision and time; unredacted, so only for roles that may apply one',
      tags: ['config'],
      // Not `pools:read`: the YAML may hold credentials (passwords in metric source URLs, http-json
      // header values, webhook URLs) that the pool view redacts. Who may replace the config may read it.
      permission: 'config:apply',
      response: StoredConfigSchema,
      async handler(): Promise<StoredConfig> {
        const stored = await deps.store.appliedConfigRecord();
        if (!stored) throw new ApiError('not_found', 'no config has been applied yet (flotte apply -f flotte.yaml stores one)');
        return { source: stored.source, cluster: stored.cluster, revision: stored.revision, appliedAt: new Date(stored.appliedAt).toISOString() };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/apply',
      summary: 'Validate a flotte.yaml, plan what it changes, and store it; a bad file, a dry run or an unallowed destroy changes nothing',
      tags: ['config'],
      permission: 'config:apply',
      response: ApplyAnswerSchema,
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
        const applied = parsed.applied;
        if (body.dryRun) {
          const plan = planAgainst(await deps.store.applyState(), applied);
          return { dryRun: true, applied: false, plan, lines: describeApply(plan, body.file), pools: [] };
        }
        let plan: ApplyPlan | undefined;
        // Planned and checked in the apply's own transaction: what is refused is what would have been written.
        const pools = await deps.store.applyConfig(applied, deps.clock.now(), (before) => {
          plan = planAgainst(before, applied);
          if (plan.destructive.length > 0 && !body.allowDestroy) throw destroyNotAllowed(plan, body.file);
        });
        // Said explicitly: the pools this apply shrinks may go past the blast-radius guard. Written
        // after the apply, which resets any earlier allowance; a tick in between holds part of it once.
        if (body.allowDestroy) await deps.store.allowDestroy(shrunk(plan!));
        deps.wake?.();
        return { dryRun: false, applied: true, plan: plan!, lines: describeApply(plan!, body.file), pools: pools.map((p) => ({ name: p.name, min: p.min, max: p.max, desired: p.desired })) };
      },
    }),
  ];
}

function destroyNotAllowed(plan: ApplyPlan, file: string): ApiError {
  return new ApiError(
    'destroy_not_allowed',
    `${describeDestroy(plan, file)} (if that is meant, apply again with --allow-destroy; API: allowDestroy: true)`,
    plan.destructive.map((p) => ({ field: `pools.${p.pool}`, message: p.change === 'remove' ? `removed: terminates ${p.terminate} of ${p.machines} machines` : `desired ${p.desired.from} → ${p.desired.to}: terminates ${p.terminate} of ${p.machines} machines` })),
    { plan, lines: describeApply(plan, file) },
  );
}
