import { defineConfig } from 'vitest/config';

// One runner for every workspace. Integration suites (real CUPS, mounts, Chromium, SMTP) run in forks so a
// misbehaving child process cannot take the others down.
export default defineConfig({
  test: {
    include: ['{proto,policies,agent,collector,console,test}/**/*.test.{ts,tsx}'],
    // The package-trust suite builds the collector .deb twice and the agent .deb once (reproducibility, lintian,
    // modes): ~5 min of CPU. It runs with `npm run test:packages`, not in `npm test`, to keep that well under 20 min.
    exclude: ['**/node_modules/**', '**/dist/**', ...(process.env.MAMORI_PACKAGE_TESTS ? [] : ['test/installers/deb-trust.integration.test.ts'])],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
