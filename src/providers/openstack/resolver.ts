import { ProviderError } from '../provider.js';
import type { GlanceApi, NeutronApi } from './glance-neutron.js';
import type { NovaApi } from './nova.js';

/**
 * Turns the names a template uses (flavor, image, network) into ids, once per provider:
 * they change rarely, and a launch of twenty must not cost sixty look-ups.
 */
export class Resolver {
  private readonly cache = new Map<string, Promise<string>>();

  constructor(private readonly nova: NovaApi, private readonly glance: GlanceApi, private readonly neutron: NeutronApi) {}

  flavor(nameOrId: string, signal?: AbortSignal): Promise<string> {
    return this.once(`flavor/${nameOrId}`, async () => {
      const flavors = await this.nova.listFlavors(signal);
      const hit = flavors.find((f) => f.id === nameOrId) ?? flavors.find((f) => f.name === nameOrId);
      if (!hit) throw new ProviderError('invalid', `no flavor named or with id "${nameOrId}"`, { code: 'FlavorNotFound', size: nameOrId });
      return hit.id;
    });
  }

  image(nameOrId: string, signal?: AbortSignal): Promise<string> {
    return this.once(`image/${nameOrId}`, async () => unique('image', nameOrId, await this.glance.findImages(nameOrId, signal)));
  }

  network(nameOrId: string, signal?: AbortSignal): Promise<string> {
    return this.once(`network/${nameOrId}`, async () => unique('network', nameOrId, await this.neutron.findNetworks(nameOrId, signal)));
  }

  private once(key: string, load: () => Promise<string>): Promise<string> {
    let hit = this.cache.get(key);
    if (!hit) {
      // A failed look-up is not remembered: the image may be uploaded a minute later.
      hit = load().catch((e: unknown) => {
        this.cache.delete(key);
        throw e;
      });
      this.cache.set(key, hit);
    }
    return hit;
  }
}

function unique(what: string, nameOrId: string, found: { id: string; name: string }[]): string {
  const exact = found.filter((x) => x.id === nameOrId || x.name === nameOrId);
  if (exact.length === 0) throw new ProviderError('invalid', `no ${what} named or with id "${nameOrId}"`, { code: `${what}NotFound` });
  if (exact.length > 1) throw new ProviderError('invalid', `${exact.length} ${what}s are named "${nameOrId}": use the id`, { code: `${what}Ambiguous` });
  return exact[0]!.id;
}
