import { defineConfig } from 'vitest/config';

// `npm run test:long`: theory checks that need millions of simulated blocks.
export default defineConfig({
  test: {
    include: ['test/long/**/*.test.ts'],
    testTimeout: 1_800_000,
    hookTimeout: 600_000,
  },
});
