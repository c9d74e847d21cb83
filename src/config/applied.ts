import { parse } from 'yaml';
import type { EnvironmentSettings } from '../domain/environments/settings.js';
import type { RetentionPolicy } from '../domain/retention.js';
import type { PoolSpec, Template } from '../domain/types.js';
import type { AppliedConfig, AppliedSettings } from '../store/store.js';
import { EnvironmentsSchema, envTemplates, envUsers, type EnvironmentsConfig } from './environments-schema.js';
import { RetentionSchema } from './retention-schema.js';
import { NotificationsSchema } from './notifications-schema.js';
import type { Subscription } from '../domain/notifications.js';
import type { OidcSettings } from '../domain/sign-in.js';
import { AuthSchema } from './auth-schema.js';
import { providerZones } from './schema.js';
import { disruptionPolicy } from './disruption-schema.js';
import type { FleetConfig, TemplateConfig } from './schema.js';

/**
 * What `flotte apply` stores, from a config that passed `parseConfig`: sizes normalized,
 * zones and desired defaulted, each pool's provider resolved through its template.
 * Throws on a dangling reference, which `parseConfig` has already ruled out.
 */
export function toApplied(config: FleetConfig, source: string): AppliedConfig {
  const templates = Object.entries(config.templates).map(([name, t]) => toTemplate(config, name, t));
  const byName = new Map(templates.map((t) => [t.name, t]));
  const pools = Object.entries(config.pools).map(([name, p]): PoolSpec => {
    const template = byName.get(p.template);
    if (!template) throw new Error(`pool ${name}: template "${p.template}" is not defined`);
    const disruption = disruptionPolicy(p);
    return {
      name,
      provider: template.provider,
      template: template.name,
      min: p.min,
      max: p.max,
      desired: p.desired ?? p.min,
      zones: p.zones.length > 0 ? [...p.zones] : [...template.zones],
      labels: { ...p.labels },
      maxLaunching: p.maxLaunching,
      deletionOrder: p.deletionOrder,
      ...(p.blastRadius !== undefined ? { blastRadius: p.blastRadius } : {}),
      ...(p.scaling ? { scaling: p.scaling } : {}),
      ...(p.health ? { health: p.health } : {}),
      ...(p.hooks && (p.hooks.launch.length > 0 || p.hooks.terminate.length > 0) ? { hooks: p.hooks } : {}),
      ...(disruption ? { disruption } : {}),
    };
  });
  return { source, cluster: config.cluster, providers: { ...config.providers }, templates, pools, settings: settingsOf(config) };
}

/** The sections read while flotte runs, typed once here: each reader takes them from the stored config. */
function settingsOf(config: FleetConfig): AppliedSettings {
  return {
    environments: environmentSettings(config.environments ?? EnvironmentsSchema.parse({})),
    retention: config.retention ?? RetentionSchema.parse({}),
    notifications: config.notifications ?? [],
    oidc: config.auth?.oidc ?? null,
  };
}

function environmentSettings(e: EnvironmentsConfig): EnvironmentSettings {
  return { templates: [...envTemplates(e).values()], sizes: e.sizes, prices: e.prices, quotas: e.quotas, users: envUsers(e) };
}

/**
 * The `environments:` section of a stored config (defaults when there is none). A config stored
 * without its settings (by an older flotte, or built by hand) has it read from its YAML, which
 * was checked when it was applied: a section that no longer passes the schema throws.
 */
export function appliedEnvironments(cfg: AppliedConfig | undefined): EnvironmentSettings {
  if (cfg?.settings) return cfg.settings.environments;
  const raw = cfg ? (parsedSource(cfg.source) as { environments?: unknown } | null)?.environments : undefined;
  return environmentSettings(EnvironmentsSchema.parse(raw ?? {}));
}

/** The `retention:` section of a stored config, defaults for what it leaves out; the issues when a YAML-only config's section is unreadable. */
export function appliedRetention(cfg: AppliedConfig | undefined): { policy: RetentionPolicy } | { issues: unknown[] } {
  if (cfg?.settings) return { policy: cfg.settings.retention };
  const raw = cfg ? (parsedSource(cfg.source) as { retention?: unknown } | null)?.retention : undefined;
  const parsed = RetentionSchema.safeParse(raw ?? {});
  return parsed.success ? { policy: parsed.data } : { issues: parsed.error.issues };
}

/** The `notifications:` subscriptions of a stored config; none when it has no such section. */
export function appliedNotifications(cfg: AppliedConfig | undefined): Subscription[] {
  if (cfg?.settings?.notifications) return cfg.settings.notifications;
  const raw = cfg ? (parsedSource(cfg.source) as { notifications?: unknown } | null)?.notifications : undefined;
  const parsed = NotificationsSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : [];
}

/** The `auth.oidc` section of a stored config; undefined when people cannot sign in (tokens only). */
export function appliedOidc(cfg: AppliedConfig | undefined): OidcSettings | undefined {
  if (cfg?.settings?.oidc !== undefined) return cfg.settings.oidc ?? undefined;
  const raw = cfg ? (parsedSource(cfg.source) as { auth?: unknown } | null)?.auth : undefined;
  const parsed = AuthSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data.oidc : undefined;
}

/** The last YAML read for a config without settings: every environment call and retention round asks, and parsing was most of their cost. */
let lastSource: { source: string; raw: unknown } | undefined;

function parsedSource(source: string): unknown {
  if (lastSource?.source !== source) lastSource = { source, raw: parse(source) as unknown };
  return lastSource.raw;
}

function toTemplate(config: FleetConfig, name: string, t: TemplateConfig): Omit<Template, 'version'> {
  const provider = config.providers[t.provider];
  if (!provider) throw new Error(`template ${name}: provider "${t.provider}" is not defined`);
  return {
    name,
    provider: t.provider,
    image: t.image,
    sizes: t.sizes ? [...t.sizes] : t.size ? [t.size] : [],
    zones: [...(t.zones ?? providerZones(provider))],
    tags: { ...t.tags },
    ...(t.userData !== undefined ? { userData: t.userData } : {}),
    ...(t.sshUser !== undefined ? { sshUser: t.sshUser } : {}),
  };
}
