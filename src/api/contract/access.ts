import { z } from 'zod';
import { ROLES } from '../../domain/access.js';
import { PERMISSIONS } from './permissions.js';
import { Iso, page } from './common.js';

/** A bearer token as listed: never its secret. */
export const TokenSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  createdAt: Iso,
  expiresAt: Iso.nullable(),
  revokedAt: Iso.nullable(),
  createdBy: z.string(),
});
export type TokenView = z.infer<typeof TokenSchema>;

/** A token just created: its secret is in this answer and nowhere else, ever. */
export const CreatedTokenSchema = TokenSchema.extend({ secret: z.string() });
export type CreatedToken = z.infer<typeof CreatedTokenSchema>;

export const TokenPageSchema = page(TokenSchema);
export type TokenPage = z.infer<typeof TokenPageSchema>;

/** One change made through the API. */
export const AuditEntrySchema = z.strictObject({
  id: z.number(),
  at: Iso,
  actor: z.string(),
  tokenId: z.string(),
  role: z.enum(ROLES),
  action: z.string(),
  pool: z.string().nullable(),
  params: z.record(z.string(), z.unknown()),
  status: z.number(),
  result: z.string(),
  source: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditPageSchema = page(AuditEntrySchema);
export type AuditPage = z.infer<typeof AuditPageSchema>;

/** The calling token's name, role and what it may do. */
export const WhoamiSchema = z.strictObject({ name: z.string(), role: z.enum(ROLES), permissions: z.array(z.enum(PERMISSIONS)) });
export type Whoami = z.infer<typeof WhoamiSchema>;
