import { randomBytes } from 'node:crypto';
import { instantiate } from '../../domain/environments/instantiate.js';
import type { EnvironmentSettings } from '../../domain/environments/settings.js';
import { ENV_ACTIVE, WARM_OWNER, type EnvTemplate, type Environment } from '../../domain/environments/types.js';
import type { Template } from '../../domain/types.js';
import { templatesOf, EnvError, type CreateEnvInput, type EnvCaller, type EnvContext } from './model.js';
import { outputsOf } from './outputs.js';
import { quotaRefusal } from './quota-check.js';

/**
 * Makes an environment for `caller`: hands over a ready warm one when the request asks nothing
 * it lacks, else writes a new one and its pools. Checked before anything is written, one request
 * at a time: a refused request leaves no trace but its answer.
 */
export async function admit(ctx: EnvContext, caller: EnvCaller, input: CreateEnvInput): Promise<Environment> {
  const { store, clock } = ctx;
  const cfg = await ctx.settings();
  const tpl = templatesOf(cfg).get(input.template);
  if (!tpl) throw new EnvError('not-found', `environment template "${input.template}" does not exist`);
  const fleet = new Map<string, Template>();
  for (const role of tpl.roles) {
    const t = await store.getTemplate(role.template);
    if (t) fleet.set(t.name, t);
  }
  const sized = tpl.roles.map((r) => ({ count: r.count, size: fleet.get(r.template)?.sizes[0] ?? '' }));
  // Everything the admission reads besides environments, read before it: it holds the only SQLite connection.
  const templates = await fleetTemplates(ctx, cfg);
  const warm = await warmCandidates(ctx, caller, input, tpl);
  const now = clock.now();
  const id = randomBytes(4).toString('hex');
  const made = instantiate(tpl, { id, name: input.name, owner: caller.name, params: input.params ?? {}, ttlMs: input.ttlMs }, fleet, now);
  const admitted = await store.environments.admit(async (repo) => {
    const mine = await repo.list({ owner: caller.name, statuses: [...ENV_ACTIVE] });
    if (mine.some((e) => e.name === input.name)) throw new EnvError('conflict', `you already have an environment named "${input.name}"`);
    const refusal = await quotaRefusal({ getTemplate: (name) => Promise.resolve(templates.get(name)) }, cfg, { owner: caller.name, request: sized, live: await repo.list({ statuses: [...ENV_ACTIVE] }) });
    if (refusal && 'missing' in refusal) throw new EnvError('invalid', `size "${refusal.missing}" has no entry in environments.sizes and no cloud describes it, so vCPU and memory quotas cannot count it: add it there with its vcpus and memoryGb`);
    if (refusal) throw new EnvError('conflict', refusal.message, { quota: refusal });
    for (const w of warm) if (await repo.claim(w, WARM_OWNER)) return { env: w, warm: true };
    if (!made.ok) throw new EnvError('invalid', made.problems.join('; '), { problems: made.problems });
    await repo.create(made.env, made.pools, now);
    return { env: made.env, warm: false };
  });
  const { env } = admitted;
  const message = admitted.warm ? `${caller.name} took warm ${env.id} as ${input.name} from ${tpl.name} v${tpl.version}` : `${caller.name} created ${input.name} from ${tpl.name} v${tpl.version}`;
  await store.appendEvents([{ at: now, pool: `env:${env.id}`, reason: 'EnvCreated', message, data: { env: env.id, ...(admitted.warm ? { warm: true } : {}) } }]);
  return env;
}

/** The fleet templates quotas may need to size: those of the config's environment templates and of every live environment. */
async function fleetTemplates(ctx: EnvContext, cfg: EnvironmentSettings): Promise<Map<string, Template>> {
  const names = new Set(cfg.templates.flatMap((t) => t.roles.map((r) => r.template)));
  for (const e of await ctx.store.environments.list({ statuses: [...ENV_ACTIVE] })) for (const r of e.roles) names.add(r.template);
  const out = new Map<string, Template>();
  for (const name of names) {
    const t = await ctx.store.getTemplate(name);
    if (t) out.set(name, t);
  }
  return out;
}

/**
 * Ready warm environments a request may be handed (it asks nothing a warm one lacks: default
 * params, the current template version), as they would be once claimed; the admission claims
 * the first still free, and the reconciler then makes a replacement.
 */
async function warmCandidates(ctx: EnvContext, caller: EnvCaller, input: CreateEnvInput, tpl: EnvTemplate): Promise<Environment[]> {
  if (tpl.warm === 0) return [];
  if (Object.entries(input.params ?? {}).some(([k, v]) => tpl.params.find((p) => p.name === k)?.default !== v)) return [];
  const now = ctx.clock.now();
  const ttlMs = input.ttlMs ?? tpl.defaultTtlMs;
  if (ttlMs > tpl.maxTtlMs) return [];
  const warm = (await ctx.store.environments.list({ owner: WARM_OWNER, statuses: ['ready'] })).filter((e) => e.template === tpl.name && e.templateVersion === tpl.version);
  const out: Environment[] = [];
  for (const w of warm.reverse()) {
    // Ready for its owner from now: a schedule's autostop counts the run from here, not from when the pool made it.
    const mine: Environment = { ...w, owner: caller.name, name: input.name, createdAt: w.createdAt, readyAt: now, expiresAt: now + ttlMs, warnedAt: undefined };
    mine.outputs = await outputsOf(ctx.store, mine, tpl.outputs);
    out.push(mine);
  }
  return out;
}

/** Makes one warm environment of `tpl` (default params, owner WARM_OWNER, living the template's maxTtl). */
export async function makeWarm(ctx: EnvContext, tpl: EnvTemplate): Promise<Environment | undefined> {
  const fleet = new Map<string, Template>();
  for (const role of tpl.roles) {
    const t = await ctx.store.getTemplate(role.template);
    if (t) fleet.set(t.name, t);
  }
  const now = ctx.clock.now();
  const id = randomBytes(4).toString('hex');
  const made = instantiate(tpl, { id, name: `warm-${id}`, owner: WARM_OWNER, params: {}, ttlMs: tpl.maxTtlMs }, fleet, now);
  if (!made.ok) return undefined;
  await ctx.store.environments.create(made.env, made.pools, now);
  return made.env;
}
