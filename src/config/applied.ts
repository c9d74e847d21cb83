import type { PoolSpec, Template } from '../domain/types.js';
import type { AppliedConfig } from '../store/store.js';
import { providerZones } from './schema.js';
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
    };
  });
  return { source, cluster: config.cluster, providers: { ...config.providers }, templates, pools };
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
  };
}
