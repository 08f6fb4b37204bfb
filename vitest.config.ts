import { defineConfig } from 'vitest/config';

// `npm test`: everything except the long statistical suite (test/long/, `npm run test:long`).
export default defineConfig({
  test: {
    include: ['sim/**/*.test.ts', 'test/**/*.test.ts', 'analysis/**/*.test.ts'],
    exclude: ['test/long/**', 'node_modules/**'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
