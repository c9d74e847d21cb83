import { callerOf } from '../auth.js';
import { PERMISSIONS } from '../permissions.js';
import { defineRoute } from '../route.js';
import { allows } from '../roles.js';
import { WhoamiSchema } from '../contract/index.js';

/** Who the token is and what it may do: the dashboard hides what would fail (a viewer sees no buttons). */
export function whoamiRoutes() {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/whoami',
      summary: "The calling token's name, role and permissions",
      tags: ['tokens'],
      permission: 'pools:read',
      response: WhoamiSchema,
      async handler({ request }) {
        const caller = callerOf(request)!;
        return { name: caller.name, role: caller.role, permissions: PERMISSIONS.filter((p) => p !== 'public' && allows(caller.role, p)) };
      },
    }),
  ];
}
