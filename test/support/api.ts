import type { FastifyInstance } from 'fastify';
import { buildApp, type ApiDeps } from '../../src/api/app.js';
import { issueToken } from '../../src/api/tokens.js';
import type { Role } from '../../src/domain/access.js';

export interface TestApp {
  app: FastifyInstance;
  /** Headers that authenticate as an admin; spread them into every `app.inject`. */
  headers: Record<string, string>;
  /** A fresh token of `role` and the headers that carry it. */
  as(role: Role, name?: string): Promise<{ id: string; secret: string; headers: Record<string, string> }>;
}

export const bearer = (secret: string): Record<string, string> => ({ authorization: `Bearer ${secret}` });

/** The API as tests should build it: every test goes through here, so auth is set up in one place. */
export async function testApp(deps: ApiDeps): Promise<TestApp> {
  const app = await buildApp(deps);
  const as = async (role: Role, name = `test-${role}`) => {
    const { token, secret } = await issueToken(deps.store, { name, role, createdBy: 'test' }, deps.clock.now());
    return { id: token.id, secret, headers: bearer(secret) };
  };
  const admin = await as('admin', 'test-admin');
  return { app, headers: admin.headers, as };
}
