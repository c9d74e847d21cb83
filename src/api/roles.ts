import { ROLES, type Role } from '../domain/access.js';
import { PERMISSIONS, type Permission } from './permissions.js';

/**
 * The permission matrix, the only place that says which role may do what. Routes declare
 * a permission; the auth hook in app.ts asks `allows(role, permission)`.
 *
 * - admin: everything, tokens included.
 * - operator: pools, scaling, metric pushes, machines, operations, config, every environment, the audit log.
 * - developer: reads pools, events and operations; acts on their own environments only.
 * - viewer: reads pools, events and operations; changes nothing.
 * - pusher: pushes metric samples (`{ type: push }` metrics), and nothing else.
 */
const MATRIX: Record<Role, readonly Permission[]> = {
  // `agent` is held by no role: agent routes take a join token or the machine's credential instead.
  admin: PERMISSIONS.filter((p) => p !== 'public' && p !== 'agent'),
  operator: ['pools:read', 'pools:scale', 'metrics:push', 'events:read', 'config:apply', 'machines:write', 'ops:read', 'ops:write', 'envs:own', 'envs:all', 'audit:read'],
  developer: ['pools:read', 'events:read', 'ops:read', 'envs:own'],
  viewer: ['pools:read', 'events:read', 'ops:read'],
  // What a worker fleet or a queue's producer holds to push its metric, and nothing else.
  pusher: ['metrics:push'],
};

const GRANTS = new Map(ROLES.map((r) => [r, new Set<Permission>(MATRIX[r])]));

export function allows(role: Role, permission: Permission): boolean {
  return permission === 'public' || GRANTS.get(role)!.has(permission);
}

/** Roles holding a permission: for docs and error messages. */
export function rolesWith(permission: Permission): Role[] {
  return ROLES.filter((r) => allows(r, permission));
}

export { ROLES, type Role };
