// The layers HOUSE-STYLE.md names, as `no-restricted-imports` blocks for eslint.config.js. Kept in their own module
// so lint/layer-rules.test.ts can check that each one still refuses what it is meant to refuse.

const driver = { group: ['better-sqlite3', 'pg', 'pg-*'], message: 'only collector/src/store/ talks to a database driver: use the repositories (store/repositories/)' };
const grpc = { group: ['@grpc/*', '@mamori/proto/grpc'], message: "only the agent's uplink/ and the collector's ingest/ import gRPC: the neutral @mamori/proto export has the codec" };
const osFolders = { group: ['**/linux/**', '**/win32/**', '**/darwin/**', '**/node/**'], message: 'common/ is OS-neutral: the composition root hands it OS adapters' };
const osModules = {
  group: ['node:child_process', 'child_process', 'node:cluster', 'node:worker_threads', 'electron'],
  message: 'common/ is OS-neutral: spawning programs and OS APIs live in linux/, win32/, darwin/ or node/',
};
// Feature folders and the collector's composition files: the store serves them and imports none of them.
const collectorFeatures = {
  group: [
    '**/alerts/**', '**/notify/**', '**/http/**', '**/reports/**', '**/siem/**', '**/ingest/**', '**/imports/**', '**/access-requests/**',
    '**/metrics/**', '**/cli/**', '**/auth/**', '**/pki/**', '**/config/**', '**/hub.ts', '**/policy-service.ts', '**/app.ts',
    '**/risk/**', '**/sensor-health/**', '**/settings/**', '**/device-control/**', '**/threads/**',
  ],
  message: 'store/ imports no feature folder: shared types live in store/repositories/ (or another neutral module)',
};

// Device control is handed what it needs by main.ts (the USB model and mount hub live in core/removable-media/).
const sensors = { group: ['**/sensors/**'], message: 'control/ does not reach into sensors/: main.ts hands it what it needs; shared USB types live in core/removable-media/' };

// The console runs in a browser and knows the collector only by its API contract: types, never code, so no server
// module (fastify, a database driver) can reach its bundle.
const nodeBuiltins = { group: ['node:*'], message: 'the console runs in a browser' };
const collectorCode = {
  group: ['@mamori/collector', '@mamori/collector/*', '**/collector/src/**'],
  allowTypeImports: true,
  message: "the console imports only types from the collector: `import type { … } from '@mamori/collector/api'`",
};

const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export const layerRules = [
  {
    // Everything in the collector but its store reaches data through repositories; the wire stays in ingest/.
    files: ['collector/src/**/*.ts'],
    ignores: ['collector/src/store/**', 'collector/src/ingest/**'],
    rules: restrict(driver, grpc),
  },
  { files: ['collector/src/ingest/**/*.ts'], rules: restrict(driver) },
  { files: ['collector/src/store/**/*.ts'], rules: restrict(grpc, collectorFeatures) },
  {
    // core/ has its own block in eslint.config.js (it forbids gRPC too).
    files: ['agent/src/**/*.ts'],
    ignores: ['agent/src/uplink/**', 'agent/src/core/**', 'agent/src/**/common/**'],
    rules: restrict(grpc),
  },
  {
    // Tests beside common/ code may drive an OS adapter with recorded output (e.g. USB snapshot parsers).
    files: ['agent/src/**/common/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: restrict(grpc, osFolders, osModules),
  },
  // control/ keeps the rules above and adds its own. A later block replaces an earlier one's options for the same
  // rule, so each of its blocks restates what applies there (tests beside control/ code are held to it too).
  {
    files: ['agent/src/control/**/*.ts'],
    ignores: ['agent/src/control/**/common/**'],
    rules: restrict(grpc, sensors),
  },
  {
    files: ['agent/src/control/**/common/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: restrict(grpc, osFolders, osModules, sensors),
  },
  { files: ['agent/src/control/**/common/**/*.test.ts'], rules: restrict(sensors) },
  {
    // typescript-eslint's variant of the rule, because only it can tell `import type` from an import of code.
    files: ['console/src/**/*.{ts,tsx}'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [nodeBuiltins, collectorCode] }] },
  },
];
