import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

/** Where `npm run build:web` puts the dashboard. */
export const DASHBOARD_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../dist/web');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * Serves the built dashboard at `/`. Its files hold no data (every figure comes from the
 * token-checked API), so they are public; hashed assets are cached for good.
 */
export function serveDashboard(app: FastifyInstance, dir = DASHBOARD_DIR): void {
  const config = { permission: 'public' };
  const index = join(dir, 'index.html');
  app.get('/', { config }, async (_req, reply) => {
    if (!existsSync(index)) {
      return reply.code(503).type('text/plain').send('The dashboard is not built: run `npm run build:web` (npm start does it for you).');
    }
    return reply.type(TYPES['.html']!).header('cache-control', 'no-cache').send(readFileSync(index));
  });
  app.get('/assets/*', { config }, async (req, reply) => {
    const rel = normalize((req.params as { '*': string })['*']).replace(/^(\.\.[/\\])+/, '');
    const file = join(dir, 'assets', rel);
    if (!file.startsWith(join(dir, 'assets')) || !existsSync(file)) return reply.code(404).send({ error: { code: 'not_found', message: 'no such asset' } });
    return reply.type(TYPES[extname(file)] ?? 'application/octet-stream').header('cache-control', 'public, max-age=31536000, immutable').send(readFileSync(file));
  });
}
