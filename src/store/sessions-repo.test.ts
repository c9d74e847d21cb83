import { afterEach, describe, expect, it } from 'vitest';
import { freshPgSchema, postgresService, postgresUrl, serviceSuite } from '../../test/support/services.js';
import type { Session } from '../domain/sign-in.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';

const session = (id: string, createdAt: number, expiresAt: number): Session => ({
  id,
  subject: `sub-${id}`,
  issuer: 'https://login.example.com',
  name: `${id}@example.com`,
  role: 'operator',
  groups: ['ops', 'everyone'],
  client: 'dashboard',
  createdAt,
  expiresAt,
});

/** The sessions port (migration 0023), on both dialects. */
function sessionsContract(open: () => Promise<Store>): void {
  let store: Store;
  afterEach(async () => store?.close());

  it('finds a session by the hash of its secret with every field, and forgets it on logout', async () => {
    store = await open();
    await store.sessions.createSession(session('ses-a', 1_000, 50_000), 'hash-a');
    expect(await store.sessions.findSessionByHash('hash-a')).toEqual(session('ses-a', 1_000, 50_000));
    expect(await store.sessions.findSessionByHash('hash-b')).toBeUndefined();
    expect(await store.sessions.deleteSessionByHash('hash-a')).toBe(true);
    expect(await store.sessions.deleteSessionByHash('hash-a')).toBe(false);
    expect(await store.sessions.findSessionByHash('hash-a')).toBeUndefined();
  });

  it('a new sign-in clears the sessions that expired by then and keeps the live ones', async () => {
    store = await open();
    await store.sessions.createSession(session('ses-old', 1_000, 2_000), 'hash-old');
    await store.sessions.createSession(session('ses-live', 1_000, 90_000), 'hash-live');
    await store.sessions.createSession(session('ses-new', 5_000, 95_000), 'hash-new');
    expect(await store.sessions.findSessionByHash('hash-old')).toBeUndefined();
    expect((await store.sessions.findSessionByHash('hash-live'))?.id).toBe('ses-live');
  });

  it('one hash names one session', async () => {
    store = await open();
    await store.sessions.createSession(session('ses-a', 1_000, 50_000), 'hash-a');
    await expect(store.sessions.createSession(session('ses-b', 1_000, 50_000), 'hash-a')).rejects.toThrow();
  });
}

describe('sessions on SQLite', () => {
  sessionsContract(() => openStore(':memory:'));
});

await serviceSuite(postgresService(), `sessions on PostgreSQL (${postgresUrl()})`, () => {
  const schemas: { drop(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(schemas.splice(0).map((s) => s.drop()));
  });
  sessionsContract(async () => {
    const schema = freshPgSchema();
    schemas.push(schema);
    return openStore(schema.url);
  });
});
