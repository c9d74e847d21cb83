/**
 * What a route needs. Every route declares exactly one; the role matrix (who holds which)
 * lives beside it, in one place. `public` routes need no token at all.
 */
export const PERMISSIONS = [
  'public',
  'pools:read',
  'pools:scale',
  'metrics:push',
  'events:read',
  'config:apply',
  'machines:write',
  'ops:read',
  'ops:write',
  'envs:own',
  'envs:all',
  'tokens:admin',
  'audit:read',
  'agent',
] as const;
export type Permission = (typeof PERMISSIONS)[number];
