import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
