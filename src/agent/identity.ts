/** Who this machine is, as its cloud says. */
export interface Identity {
  machine: string;
  source: 'env' | 'aws' | 'openstack';
}

export class IdentityError extends Error {
  override name = 'IdentityError';
}

export interface MetadataOptions {
  /** The metadata service; 169.254.169.254 on both clouds, a local server in tests. */
  baseUrl?: string;
  /** Per request: the link-local service answers in milliseconds or not at all. */
  timeoutMs?: number;
}

const METADATA = 'http://169.254.169.254';
const DEFAULT_TIMEOUT_MS = 2_000;
/** IMDSv2 session token lifetime asked for; the agent asks once, at start. */
const IMDS_TOKEN_TTL_SECONDS = 21_600;

async function call(url: string, init: RequestInit, timeoutMs: number, what: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const err = e as Error;
    const why = err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : String((err.cause as Error | undefined)?.message ?? err.message);
    throw new IdentityError(`${what}: ${why} (${url})`);
  }
  if (!res.ok) throw new IdentityError(`${what}: HTTP ${res.status} (${url})`);
  return res;
}

/** EC2 IMDSv2: a session token by PUT, then the instance id with that token. */
export async function awsIdentity(opts: MetadataOptions = {}): Promise<Identity> {
  const base = opts.baseUrl ?? METADATA;
  const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const tokenRes = await call(`${base}/latest/api/token`, { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': String(IMDS_TOKEN_TTL_SECONDS) } }, timeout, 'IMDSv2 token');
  const token = (await tokenRes.text()).trim();
  const idRes = await call(`${base}/latest/meta-data/instance-id`, { headers: { 'x-aws-ec2-metadata-token': token } }, timeout, 'IMDSv2 instance-id');
  const machine = (await idRes.text()).trim();
  if (!/^i-[0-9a-f]+$/.test(machine)) throw new IdentityError(`IMDSv2 instance-id: unexpected answer "${machine.slice(0, 40)}"`);
  return { machine, source: 'aws' };
}

/** OpenStack metadata service: the server's uuid in meta_data.json. */
export async function openstackIdentity(opts: MetadataOptions = {}): Promise<Identity> {
  const base = opts.baseUrl ?? METADATA;
  const res = await call(`${base}/openstack/latest/meta_data.json`, {}, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, 'OpenStack metadata');
  let body: { uuid?: unknown };
  try {
    body = (await res.json()) as { uuid?: unknown };
  } catch {
    throw new IdentityError('OpenStack metadata: meta_data.json is not JSON');
  }
  if (typeof body.uuid !== 'string' || body.uuid.length === 0) throw new IdentityError('OpenStack metadata: meta_data.json has no uuid');
  return { machine: body.uuid, source: 'openstack' };
}

/** The local provider (and anyone else) may simply say who the machine is. */
export function envIdentity(env: NodeJS.ProcessEnv, given?: string): Identity {
  const machine = given ?? env.FLOTTE_MACHINE_ID;
  if (!machine) throw new IdentityError('no machine id: set FLOTTE_MACHINE_ID or --machine-id');
  return { machine, source: 'env' };
}
