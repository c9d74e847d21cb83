import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { ProviderType } from '../provider-type.js';

/** The `local` provider: machines are `flotte agent` processes on this host. */
export const LOCAL_DEFAULTS = { zones: ['local'], bootSeconds: 1 } as const;

export const LocalProviderSchema = z.strictObject({
  type: z.literal('local'),
  zones: z.array(z.string().min(1)).min(1).default([...LOCAL_DEFAULTS.zones]),
  /** How long an agent waits before it joins, so local machines boot like cloud ones. */
  bootSeconds: z.number().min(0).default(LOCAL_DEFAULTS.bootSeconds),
});
export type LocalProviderConfig = z.infer<typeof LocalProviderSchema>;

/** A local machine's directory (its disk, its agent's cwd), absolute, for a process whose state is in `dataDir`. */
export const localMachineDir = (dataDir: string, id: string): string => resolve(dataDir, 'local', id);

/** `type: local`: its machines live under `<dataDir>/local`. */
export const localProvider: ProviderType<'local', typeof LocalProviderSchema> = {
  type: 'local',
  schema: LocalProviderSchema,
  defaults: LOCAL_DEFAULTS,
  async create(_name, cfg, env) {
    const { LocalProvider } = await import('./index.js');
    return new LocalProvider({ root: join(env.dataDir, 'local'), zones: cfg.zones, bootMs: cfg.bootSeconds * 1000 }, env.clock);
  },
};
