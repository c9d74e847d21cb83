/**
 * The API contract: every shape the API answers, as zod schemas and their types. Routes declare
 * them (the OpenAPI document carries them), a test checks real answers against them, and the
 * CLI, the dashboard, the agent and the e2e helpers import their types from here and nowhere else.
 */
export * from './access.js';
export * from './agents.js';
export * from './common.js';
export * from './config.js';
export * from './decisions.js';
export * from './drift.js';
export * from './environments.js';
export * from './notifications.js';
export * from './errors.js';
export * from './events.js';
export * from './operations.js';
export * from './permissions.js';
export * from './plan.js';
export * from './pools.js';
export * from './pushed-metrics.js';
export * from './system.js';
