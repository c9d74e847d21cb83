import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers, bottom to top: domain; clock; providers, store, metrics; config; control; compose
 * (the composition root); planner; api (its contract apart) and services; main.ts. The CLI, the dashboard and the agent are
 * clients: of the server side they import the API contract (src/api/contract) only.
 * A rule names the folders a layer may NOT import, matched on the relative import path
 * (`../`, `../../`, …) so it holds at any depth of the folder.
 */
const LAYERS = ['domain', 'clock', 'providers', 'store', 'metrics', 'config', 'control', 'compose', 'planner', 'api', 'services', 'campaign', 'cli', 'web', 'agent', 'main'];
const layersExcept = (...allowed) => LAYERS.filter((l) => !allowed.includes(l));
/** `api/contract` stays allowed when `contract` is set; `except` lets one module of a layer through. */
function forbid(layers, message, { contract = false, except = {} } = {}) {
  const alternatives = layers.map((l) => {
    if (l === 'api' && contract) return 'api/(?!contract/)';
    if (except[l]) return `${l}/(?!${except[l]})`;
    return `${l}(?:/|\\.js$)`;
  });
  return { regex: `^(?:\\.\\./)+(?:${alternatives.join('|')})`, message };
}
/** Tests wire layers together on purpose. */
const NOT_LAYERED = ['**/*.test.ts', '**/*.test.tsx'];
const layer = (files, ...patterns) => ({ files, ignores: NOT_LAYERED, rules: { 'no-restricted-imports': ['error', { patterns }] } });
const CLI_HOSTS = ['up', 'serve', 'backup', 'plan', 'sim-serve', 'sim-server', 'tokens-bootstrap'].map((c) => `src/cli/commands/${c}.ts`);

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'bench/results.json', 'src/web/dist/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // A value captured by a closure before it is known (e.g. the address a server gets on listen).
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use an `as const` object and a derived union instead of an enum.' },
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
      ],
    },
  },
  {
    // The domain is pure: no I/O, no SDKs, nothing outside src/domain.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'http', 'net', 'child_process'], message: 'src/domain does no I/O.' },
            { group: ['@aws-sdk/*', 'kysely', 'pg', 'better-sqlite3', 'fastify', 'pino', 'ioredis', 'amqplib'], message: 'src/domain depends on no SDK.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/domain/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['../*', 'node:*', '@aws-sdk/*', 'kysely', 'pg', 'fastify', 'pino'], message: 'src/domain is pure and imports nothing outside src/domain.' }] }] },
  },
  {
    files: ['src/domain/*/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['../../*', 'node:*', '@aws-sdk/*', 'kysely', 'pg', 'fastify', 'pino'], message: 'src/domain is pure and imports nothing outside src/domain.' }] }] },
  },
  // Layer directions (see LAYERS above). src/domain keeps its own stricter rules above.
  layer(['src/clock/**/*.ts'], forbid(layersExcept('clock'), 'src/clock is at the bottom with src/domain: it imports no other layer.')),
  layer(
    ['src/providers/**/*.ts'],
    // The local and sim providers keep their files under flotte's private data dir.
    forbid(layersExcept('providers', 'domain', 'clock'), 'src/providers sits on src/domain and src/clock only.', { except: { store: 'data-dir\\.js$' } }),
  ),
  layer(['src/store/**/*.ts'], forbid(layersExcept('store', 'domain', 'clock'), 'src/store sits on src/domain and src/clock only.')),
  layer(['src/metrics/**/*.ts'], forbid(layersExcept('metrics', 'domain', 'clock'), 'src/metrics sits on src/domain and src/clock only.')),
  layer(['src/config/**/*.ts'], forbid(layersExcept('config', 'domain', 'clock', 'providers', 'store'), 'src/config reads files into domain types: it sits below control and the API.')),
  {
    // The control loop passes one context (a PoolTick, an options object) rather than long positional lists.
    files: ['src/control/**/*.ts'],
    ignores: ['src/control/**/*.test.ts'],
    rules: { 'max-params': ['error', 4] },
  },
  layer(['src/control/**/*.ts'], forbid(layersExcept('control', 'domain', 'clock', 'providers', 'store', 'metrics', 'config'), 'src/control sits below the API, the services and the clients.')),
  layer(['src/compose/**/*.ts'], forbid(layersExcept('compose', 'domain', 'clock', 'providers', 'store', 'metrics', 'config', 'control'), 'src/compose builds providers and the control plane: the API, services and clients build on it, not the reverse.')),
  layer(['src/planner/**/*.ts'], forbid(layersExcept('planner', 'domain', 'clock', 'providers', 'store', 'metrics', 'config', 'control', 'compose'), 'src/planner is a library of the API and the CLI: it imports neither.')),
  layer(
    ['src/api/**/*.ts'],
    forbid(['services', 'campaign', 'cli', 'web', 'agent', 'main'], 'src/api is on top with src/services: it imports no process wiring and no client.'),
  ),
  {
    // The contract is what clients see: it must stay importable by the browser, so zod and the pure domain only.
    files: ['src/api/contract/**/*.ts'],
    ignores: NOT_LAYERED,
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^\\.\\./(?!\\.\\./domain/)', message: 'src/api/contract imports only src/domain (and zod): clients import it.' }, { group: ['node:*', 'fastify', 'kysely', 'pino'], message: 'src/api/contract runs in the browser too.' }] },
      ],
    },
  },
  layer(['src/services/**/*.ts'], forbid(['campaign', 'cli', 'web', 'agent'], 'src/services runs the server: it imports no client.')),
  layer(['src/cli/**/*.ts'], forbid(layersExcept('cli', 'domain', 'clock', 'agent'), 'the CLI is an API client: of the server side it imports src/api/contract only.', { contract: true })),
  // The commands that host the server in the flotte process itself (flotte up, serve, backup, plan, sim servers, token bootstrap).
  layer(CLI_HOSTS, forbid(['control', 'metrics', 'campaign', 'web'], 'a hosting command starts the server through src/main.ts and src/services, not its parts.')),
  layer(['src/web/**/*.{ts,tsx}'], forbid(layersExcept('web'), 'the dashboard is an API client: of the server side it imports src/api/contract only (as types).', { contract: true })),
  layer(['src/agent/**/*.ts'], forbid(layersExcept('agent', 'clock'), 'the agent is an API client: of the server side it imports src/api/contract only.', { contract: true })),
  {
    // Domain tests also take their data builders from test/support/domain-fixtures.ts (test code stays out of dist/); nothing else outside src/domain.
    files: ['src/domain/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^\\.\\./(?!\\.\\./test/support/domain-fixtures\\.js$)', message: 'src/domain is pure and imports nothing outside src/domain.' }, { group: ['node:*', '@aws-sdk/*', 'kysely', 'pg', 'fastify', 'pino'], message: 'src/domain is pure and imports nothing outside src/domain.' }] }] },
  },
  {
    files: ['src/domain/*/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^\\.\\./\\.\\./(?!\\.\\./test/support/domain-fixtures\\.js$)', message: 'src/domain is pure and imports nothing outside src/domain.' }, { group: ['node:*', '@aws-sdk/*', 'kysely', 'pg', 'fastify', 'pino'], message: 'src/domain is pure and imports nothing outside src/domain.' }] }] },
  },
  {
    // Tool configs are loaded by their tools, which want a default export.
    files: ['*.config.{js,ts}', 'src/web/vite.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['bin/*.js'],
    languageOptions: { globals: { URL: 'readonly', process: 'readonly' } },
  },
  {
    // Nothing outside the clock reads the wall clock or schedules timers: a Clock is passed in.
    files: ['src/**/*.ts'],
    ignores: ['src/clock/**', 'src/**/*.test.ts', 'src/cli/**', 'src/agent/**', 'src/web/**'],
    rules: {
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Take a Clock.' }],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'Take a Clock.' }, { name: 'setInterval', message: 'Take a Clock.' }],
    },
  },
);
