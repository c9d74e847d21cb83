import type { Kysely, Selectable } from 'kysely';
import type { Role } from '../domain/access.js';
import type { Session, SessionClient } from '../domain/sign-in.js';
import type { Database, SessionsTable } from './database.js';
import { parseJson } from './json.js';
import type { SessionsPort } from './ports.js';

function toSession(row: Selectable<SessionsTable>): Session {
  return {
    id: row.id,
    subject: row.subject,
    issuer: row.issuer,
    name: row.name,
    role: row.role as Role,
    groups: parseJson<string[]>(row.groups),
    client: row.client as SessionClient,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

/** The sessions of people signed in through an OpenID provider (see ports.ts for the contract). */
export function sessionsRepo(db: Kysely<Database>): SessionsPort {
  return {
    async createSession(session, hash) {
      // Sign-ins are rare next to requests: the place to drop the expired ones.
      await db.deleteFrom('sessions').where('expires_at', '<=', session.createdAt).execute();
      await db
        .insertInto('sessions')
        .values({
          id: session.id,
          hash,
          subject: session.subject,
          issuer: session.issuer,
          name: session.name,
          role: session.role,
          groups: JSON.stringify(session.groups),
          client: session.client,
          created_at: session.createdAt,
          expires_at: session.expiresAt,
        })
        .execute();
    },
    async findSessionByHash(hash) {
      const row = await db.selectFrom('sessions').selectAll().where('hash', '=', hash).executeTakeFirst();
      return row && toSession(row);
    },
    async deleteSessionByHash(hash) {
      const result = await db.deleteFrom('sessions').where('hash', '=', hash).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
