import type { FastifyInstance } from 'fastify';
import { buildApp, type ApiDeps } from '../../src/api/app.js';

export interface TestApp {
  app: FastifyInstance;
  /** Headers that authenticate as an admin; spread them into every `app.inject`. */
  headers: Record<string, string>;
}

/** The API as tests should build it: every test goes through here, so auth is set up in one place. */
export async function testApp(deps: ApiDeps): Promise<TestApp> {
  const app = await buildApp(deps);
  return { app, headers: {} };
}
