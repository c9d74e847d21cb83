import { primaryAddress } from '../addresses.js';
import type { Machine } from '../types.js';
import type { Environment } from './types.js';

/** The login of Ubuntu's cloud images: the ssh user when a fleet template names none (`sshUser`). */
export const DEFAULT_SSH_USER = 'ubuntu';

/** The way into one machine of an environment, as `flotte env connect` prints it (`--json`). */
export interface Connection {
  env: string;
  role: string;
  machine: string;
  address: string;
  command: string;
}

type Role = Environment['roles'][number];
type Refused = { ok: false; kind: 'not-found' | 'conflict'; problem: string };

/** The role asked for, or the template's first when none was. */
export function connectRole(env: Pick<Environment, 'id' | 'name' | 'roles'>, asked: string | undefined): { ok: true; role: Role } | Refused {
  const role = asked === undefined ? env.roles[0] : env.roles.find((r) => r.name === asked);
  return role ? { ok: true, role } : { ok: false, kind: 'not-found', problem: `environment ${env.name} (${env.id}) has no role "${asked}" (its roles: ${env.roles.map((r) => r.name).join(', ')})` };
}

/** The role's first ready machine with an address (machines in id order, as the store lists them). */
export function connectMachine(env: Pick<Environment, 'id' | 'name' | 'status'>, role: Role, machines: readonly Machine[]): { ok: true; machine: Machine; address: string } | Refused {
  const ready = machines.filter((m) => m.state === 'ready');
  const where = `role ${role.name} of environment ${env.name} (${env.id}, ${env.status})`;
  if (ready.length === 0) return { ok: false, kind: 'conflict', problem: `${where} has no ready machine yet (follow it: flotte env show ${env.id})` };
  for (const machine of ready) {
    const address = primaryAddress(machine.addresses);
    if (address) return { ok: true, machine, address };
  }
  return { ok: false, kind: 'conflict', problem: `${where}: no ready machine has an address yet; its provider reports one on a later tick (retry in a few seconds)` };
}

/** A word safe to paste into a POSIX shell. */
const quoted = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * The shell command that gets a developer onto the machine. A cloud machine: `ssh user@address`.
 * A local machine is a process on this host whose directory is its disk: a shell there.
 */
export function wayIn(target: { kind: 'ssh'; user: string; address: string } | { kind: 'local'; dir: string }): string {
  return target.kind === 'ssh' ? `ssh ${quoted(`${target.user}@${target.address}`)}` : `cd ${quoted(target.dir)} && exec "\${SHELL:-/bin/sh}"`;
}
