import { defineConfig } from 'vitest/config';

/**
 * One `npm test` runs every project. API suites run twice: on PGlite and on real PostgreSQL.
 * Service-backed suites skip loudly without their service, and fail instead when CI=true.
 */
const apiSuite = (db: 'pglite' | 'postgres') => ({
  test: {
    name: `api-${db}`,
    include: ['tests/api/**/*.test.ts'],
    environment: 'node' as const,
    env: { TEST_DB: db },
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/shared/**/*.test.ts', 'tests/db/**/*.test.ts', 'tests/lib/**/*.test.ts'],
          environment: 'node',
        },
      },
      apiSuite('pglite'),
      apiSuite('postgres'),
      'tests/miniprogram/vitest.config.ts',
      'tests/e2e/vitest.config.ts',
      {
        test: {
          name: 'services',
          include: ['tests/redis/**/*.test.ts', 'tests/wechat/**/*.test.ts', 'bench/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
