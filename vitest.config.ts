import { defineConfig } from 'vitest/config';

// One runner for every workspace. Integration suites (real CUPS, mounts, Chromium, SMTP) run in forks so a
// misbehaving child process cannot take the others down.
export default defineConfig({
  test: {
    include: ['{proto,policies,agent,collector,console,test}/**/*.test.{ts,tsx}'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
