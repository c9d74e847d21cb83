import { DEFAULT_SSH_USER, connectMachine, connectRole, wayIn, type Connection } from '../../domain/environments/connect.js';
import { EnvError, type EnvCaller, type EnvContext } from './model.js';

export interface ConnectRequest {
  id: string;
  /** The template's first role when absent. */
  role?: string | undefined;
  /** A local machine's directory, from its id. */
  localDir: (machine: string) => string;
}

/**
 * `flotte env connect`: the way into the first ready machine of a role. The ssh user is the
 * role's fleet template's `sshUser`; a local machine (its address is its agent's on this host)
 * gets a shell in its directory, which `localDir` names (the local provider's layout).
 */
export async function connection(ctx: EnvContext, caller: EnvCaller, ask: ConnectRequest): Promise<Connection> {
  const env = await ctx.get(caller, ask.id);
  const r = connectRole(env, ask.role);
  if (!r.ok) throw new EnvError(r.kind, r.problem, { roles: env.roles.map((x) => x.name) });
  const t = connectMachine(env, r.role, await ctx.store.listMachines({ pool: r.role.pool }));
  if (!t.ok) throw new EnvError(t.kind, t.problem);
  const local = t.machine.addresses.some((a) => a.kind === 'local');
  const user = async () => (await ctx.store.getTemplate(r.role.template))?.sshUser ?? DEFAULT_SSH_USER;
  const command = wayIn(local ? { kind: 'local', dir: ask.localDir(t.machine.id) } : { kind: 'ssh', user: await user(), address: t.address });
  return { env: env.id, role: r.role.name, machine: t.machine.id, address: t.address, command };
}
