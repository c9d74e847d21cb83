import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    // Service suites and process tests share one machine: keep parallelism modest.
    maxWorkers: 2,
    // Fails the run when a `flotte agent` it started is still running at the end.
    globalSetup: ['test/support/agent-leak-check.ts'],
  },
});
