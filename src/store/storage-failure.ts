/**
 * Whether an error means the store itself failed (disk full, I/O error, read-only file or
 * server, lost connection) rather than the request: such a failure is the same for every
 * request until the store recovers, so the API answers 503 and /readyz takes the replica out.
 */
export function isStorageFailure(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  if (SQLITE_FAILURE.test(code)) return true;
  if (NODE_NETWORK.has(code)) return true;
  // PostgreSQL SQLSTATE classes: 08 connection, 53 insufficient resources (disk full), 57P
  // shutdown or not accepting connections, 58 system error (I/O); 25006: a read-only server.
  return /^(08|53|58)[0-9A-Z]{3}$|^57P0[1-4]$|^25006$/.test(code);
}

/** The short, stable name of a storage failure, for messages and logs. */
export function storageFailureCode(e: unknown): string {
  return String((e as { code?: unknown } | null)?.code ?? 'unknown');
}

const SQLITE_FAILURE = /^SQLITE_(IOERR|FULL|READONLY|CANTOPEN|CORRUPT|NOTADB|BUSY)(_|$)/;
const NODE_NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);
