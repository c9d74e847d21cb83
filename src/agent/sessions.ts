import { readFileSync } from 'node:fs';

/** Where glibc keeps the logged-in sessions `who` lists. */
export const UTMP_PATH = '/var/run/utmp';
/** `sizeof(struct utmp)` on x86_64 and aarch64 glibc. */
const RECORD_BYTES = 384;
const USER_PROCESS = 7;
/** Offset of `ut_user`. */
const USER_AT = 44;

/** Counts the login sessions in a utmp file's bytes: records of type USER_PROCESS with a user name. */
export function countUtmpSessions(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let n = 0;
  for (let at = 0; at + RECORD_BYTES <= bytes.byteLength; at += RECORD_BYTES) {
    if (view.getInt16(at, true) === USER_PROCESS && bytes[at + USER_AT] !== 0) n++;
  }
  return n;
}

/** Where the agent counts sessions: the machine's utmp, or nowhere (local machines share the host's logins). */
export type SessionSource = 'utmp' | 'none';

/** Logged-in sessions now; a machine without a readable utmp has none that flotte can see. */
export function loggedInSessions(source: SessionSource, path = UTMP_PATH): number {
  if (source === 'none') return 0;
  try {
    return countUtmpSessions(readFileSync(path));
  } catch {
    return 0;
  }
}
