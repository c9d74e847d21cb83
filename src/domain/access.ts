/** Who may call the API. The permission matrix over these roles lives in `src/api/roles.ts`. */
export const ROLES = ['admin', 'operator', 'developer', 'viewer', 'pusher'] as const;
export type Role = (typeof ROLES)[number];

/** A bearer token as flotte keeps it: never the secret, only its SHA-256 (see `hash`). */
export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  createdAt: number;
  /** Undefined: never expires. */
  expiresAt?: number | undefined;
  revokedAt?: number | undefined;
  /** Name of the token that created this one; `bootstrap` for the first admin token. */
  createdBy: string;
}

/** One change made through the API. Stored once, never updated. */
export interface AuditRecord {
  id: number;
  at: number;
  /** Token name and id of the caller. */
  actor: string;
  tokenId: string;
  role: Role;
  /** The route as declared, e.g. `PUT /api/v1/pools/:name/desired`. */
  action: string;
  /** The pool the change was about, when there is one. */
  pool?: string | undefined;
  /** Path params, query and body, with secrets redacted. */
  params: Record<string, unknown>;
  /** HTTP status, and the error code when it failed. */
  status: number;
  result: string;
  /** The caller's address as the server saw it. */
  source: string;
}

export interface AuditQuery {
  pool?: string | undefined;
  /** Only records at or after this time (epoch ms). */
  since?: number | undefined;
  /** Cursor: only records with a greater id. */
  after?: number | undefined;
  limit?: number | undefined;
  /** The last `limit` records instead of the first (still oldest first). */
  newest?: boolean | undefined;
}
