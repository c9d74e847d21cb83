import { agentCloudInit } from '../agent-cloud-init.js';
import { bootUserData } from '../boot-user-data.js';
import type { LaunchRequest } from '../provider.js';

/** Nova refuses user-data larger than this (base64-encoded). */
export const USER_DATA_MAX_BYTES = 65_535;

/**
 * The user-data a server boots with: the template's own when it has one (the user knows
 * their image best), else, when the controller asks for agents, cloud-init that writes the
 * join settings to a root-only file and runs `flotte agent` under systemd; plus the launch's
 * extra part (an environment role's provisioning) when it has one. The join token travels
 * only here: Nova shows user-data to the server's metadata service, not in lists.
 */
export function userDataFor(req: LaunchRequest): string | undefined {
  return bootUserData(req, req.agent && agentCloudInit(req.agent, { identity: 'openstack' }));
}

/** Base64 as Nova wants it, refusing what Nova would refuse with a clearer message. */
export function encodeUserData(text: string): string {
  const b64 = Buffer.from(text, 'utf8').toString('base64');
  if (b64.length > USER_DATA_MAX_BYTES) throw new Error(`user-data is ${b64.length} bytes base64-encoded; Nova accepts at most ${USER_DATA_MAX_BYTES}`);
  return b64;
}
