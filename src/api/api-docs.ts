import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';

/**
 * The API reference at `/api/docs`: Swagger UI (swagger-ui-dist, a runtime dependency) rendering
 * `/api/openapi.json`, every asset served from this process so the page works on a closed network.
 *
 * Why Swagger UI over Scalar or Redoc: swagger-ui-dist is a prebuilt browser bundle with one tiny
 * dependency (13 MB installed), renders OpenAPI 3.1 since 5.0 and is released often by SmartBear;
 * its only outside call, the validator badge, is switched off below (and its dependency's install
 * analytics by `scarfSettings` in package.json).
 * `@scalar/api-reference` installs about 300 packages (240 MB) to ship one standalone file that
 * calls scalar.com services (fonts, proxy, agent) unless each is turned off; Redoc 3 needs React
 * as a peer and carries an analytics library.
 */
const RENDERER = 'swagger-ui-dist';

let located: { dir: string; version: string } | undefined;

/** Where the renderer is installed and its version; undefined when `npm ci` has not brought it yet. */
function renderer(): { dir: string; version: string } | undefined {
  if (located) return located;
  try {
    const dir = dirname(createRequire(import.meta.url).resolve(`${RENDERER}/package.json`));
    return (located = { dir, version: (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version });
  } catch {
    return undefined;
  }
}

/** The renderer's files the page loads; nothing else under node_modules is reachable. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

// The document and the page hold no fleet data (routes, schemas, roles), so, like the dashboard's
// files, they are public; "Try it out" sends the token the reader gives under "Authorize", or the
// one the dashboard saved in this browser (its key in src/web/lib/api.ts).
const INIT = `const ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#api',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  onComplete: () => {
    const saved = localStorage.getItem('flotte.token');
    if (saved) ui.preauthorizeApiKey('bearer', saved);
  },
});
`;

const page = (version: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>flotte API reference</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css?v=${version}">
</head>
<body>
<div id="api"></div>
<script src="/api/docs/swagger-ui-bundle.js?v=${version}"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
`;

/**
 * What the page may load: its own origin only, so a renderer that reached for a CDN, a font
 * host or a validator would be refused by the browser rather than leak the reader's visit.
 * Swagger UI sets inline styles and shows data: images (icons), hence those two allowances.
 */
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'";

const MISSING = `The API reference's renderer (${RENDERER}) is not installed: run \`npm ci\`. The API document itself is at /api/openapi.json.`;

/** Serves `/api/docs` (the page), its start script and the renderer's two files, all without a token. */
export function serveApiDocs(app: FastifyInstance): void {
  const config = { permission: 'public' };
  const cache = new Map<string, Buffer>();
  app.get('/api/docs', { config }, async (_req, reply) => {
    const found = renderer();
    if (!found) return reply.code(503).type('text/plain').send(MISSING);
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').header('content-security-policy', CSP).send(page(found.version));
  });
  app.get('/api/docs/', { config }, async (_req, reply) => reply.redirect('/api/docs', 301));
  app.get('/api/docs/init.js', { config }, async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(INIT));
  for (const [name, type] of Object.entries(ASSETS)) {
    app.get(`/api/docs/${name}`, { config }, async (_req, reply) => {
      let body = cache.get(name);
      if (!body) {
        const found = renderer();
        if (!found) return reply.code(503).type('text/plain').send(MISSING);
        cache.set(name, (body = readFileSync(join(found.dir, name))));
      }
      // The page asks for it under the renderer's version, so a new version is fetched afresh.
      return reply.type(type).header('cache-control', 'public, max-age=31536000, immutable').send(body);
    });
  }
}
