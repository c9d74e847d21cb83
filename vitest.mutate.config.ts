import { defineConfig } from 'vitest/config';

// Mutation testing runs the domain's unit tests only: they are pure and fast, and a mutant in
// src/domain that only a process or service suite would notice is a gap in the unit tests.
export default defineConfig({
  test: {
    include: ['src/domain/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
