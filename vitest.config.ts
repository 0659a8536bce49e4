import { defineConfig } from 'vitest/config';

// Unit tests need nothing; integration and client tests read the local stack's
// stack.json (written by `deploy/local/stack.sh up`, which `npm test` runs first).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: integration files share one Swift; keep the parallelism modest.
    maxWorkers: 2,
  },
});
