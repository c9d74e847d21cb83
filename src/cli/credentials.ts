import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** One server's sign-in, as `flotte login` keeps it. The secret is a session (`fls_…`), not an API token. */
export interface Credential {
  secret: string;
  name: string;
  role: string;
  /** ISO time the sign-in ends; the CLI stops sending it then. */
  expiresAt: string;
}

interface CredentialsFile {
  servers: Record<string, Credential>;
}

/** `FLOTTE_CONFIG_DIR`, else `$XDG_CONFIG_HOME/flotte`, else `~/.config/flotte`. */
export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.FLOTTE_CONFIG_DIR ?? join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'flotte');
  return join(dir, 'credentials.json');
}

/** Sign-ins are kept per server origin, so one file serves every flotte a person uses. */
const keyOf = (server: string): string => new URL(server).origin;

function read(file: string): CredentialsFile {
  if (!existsSync(file)) return { servers: {} };
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<CredentialsFile>;
    return { servers: parsed.servers ?? {} };
  } catch {
    // A damaged file holds nothing usable; the next login writes a whole one.
    return { servers: {} };
  }
}

function write(file: string, content: CredentialsFile): void {
  const dir = join(file, '..');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Written whole beside it and renamed, so a crash never leaves half a file; 0600 before a secret is in it.
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}

/** The sign-in kept for `server`, while it has not expired. */
export function storedCredential(server: string, env: NodeJS.ProcessEnv = process.env, now = Date.now()): Credential | undefined {
  let key: string;
  try {
    key = keyOf(server);
  } catch {
    return undefined;
  }
  const found = read(credentialsPath(env)).servers[key];
  return found && Date.parse(found.expiresAt) > now ? found : undefined;
}

export function saveCredential(server: string, credential: Credential, env: NodeJS.ProcessEnv = process.env): string {
  const file = credentialsPath(env);
  const content = read(file);
  content.servers[keyOf(server)] = credential;
  write(file, content);
  return file;
}

/** Forgets `server`'s sign-in; the one it held, if any. */
export function forgetCredential(server: string, env: NodeJS.ProcessEnv = process.env): Credential | undefined {
  const file = credentialsPath(env);
  const content = read(file);
  const key = keyOf(server);
  const found = content.servers[key];
  if (!found) return undefined;
  delete content.servers[key];
  write(file, content);
  return found;
}
