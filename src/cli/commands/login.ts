import type { Clock } from '../../clock/clock.js';
import type { DeviceStart, DeviceToken, Logout } from '../../api/contract/sign-in.js';
import { ApiClient, CliError } from '../client.js';
import { credentialsPath, forgetCredential, saveCredential, storedCredential } from '../credentials.js';
import { printJson, println } from '../output.js';

/** RFC 8628: a `slow_down` answer asks for five more seconds between polls. */
const SLOW_DOWN_MS = 5_000;

/**
 * `flotte login`: the device sign-in, which needs no browser on this host. flotte asks its
 * provider for a code, the person confirms it on any device, and the session secret flotte
 * hands back is kept in the credentials file (mode 0600), sent from then on like a token.
 */
export async function loginCommand(server: string, clock: Clock, opts: { json?: boolean }): Promise<void> {
  const client = new ApiClient(server);
  const start = await client.request<DeviceStart>('POST', '/api/auth/device');
  const url = start.verificationUriComplete ?? start.verificationUri;
  // On stderr, so that stdout carries only the result (and --json stays parseable).
  process.stderr.write(`To sign in to ${server}, open\n\n  ${url}\n\nand confirm the code ${start.userCode} (valid ${Math.round(start.expiresIn / 60)} min). Waiting…\n`);
  const deadline = clock.now() + start.expiresIn * 1000;
  let interval = start.interval * 1000;
  for (;;) {
    await clock.sleep(interval);
    const answer = await client.request<DeviceToken>('POST', '/api/auth/device/token', { deviceCode: start.deviceCode });
    if (answer.status === 'done') {
      const file = saveCredential(server, { secret: answer.secret, name: answer.name, role: answer.role, expiresAt: answer.expiresAt });
      if (opts.json) return printJson({ server, name: answer.name, role: answer.role, expiresAt: answer.expiresAt, credentials: file });
      return println(`signed in to ${server} as ${answer.name} (${answer.role}) until ${answer.expiresAt}; kept in ${file} (mode 0600)`);
    }
    if (answer.status === 'slow_down') interval += SLOW_DOWN_MS;
    if (clock.now() >= deadline) throw new CliError(`the code ${start.userCode} was not confirmed in time: run \`flotte login\` again`, 1);
  }
}

/** `flotte logout`: ends the session on the server and forgets it here. */
export async function logoutCommand(server: string, opts: { json?: boolean }): Promise<void> {
  const held = storedCredential(server, process.env, 0);
  if (!held) {
    if (opts.json) return printJson({ server, loggedOut: false });
    return println(`not signed in to ${server} (nothing in ${credentialsPath()})`);
  }
  // Forgotten here even when the server cannot be reached: the person asked to be signed out.
  forgetCredential(server);
  const answer = await new ApiClient(server, held.secret).request<Logout>('POST', '/api/auth/logout');
  if (opts.json) return printJson({ server, loggedOut: true, ended: answer.loggedOut });
  println(`signed out of ${server} (${held.name})${answer.loggedOut ? '' : '; the session had already ended'}`);
}
