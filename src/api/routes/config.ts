import { z } from 'zod';
import { ApiError } from '../errors.js';
import { defineRoute } from '../route.js';
import type { ApiDeps } from '../app.js';

export function configRoutes(deps: ApiDeps) {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/apply',
      summary: 'Validate and store a flotte.yaml; a bad file changes nothing',
      tags: ['config'],
      permission: 'config:apply',
      body: z.object({ source: z.string(), file: z.string().default('flotte.yaml') }).strict(),
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
        const pools = await deps.store.applyConfig(parsed.applied, deps.clock.now());
        deps.wake?.();
        return { pools: pools.map((p) => ({ name: p.name, min: p.min, max: p.max, desired: p.desired })) };
      },
    }),
  ];
}
