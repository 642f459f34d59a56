import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layerRules } from './lint/layer-rules.js';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/src/gen/**', 'console/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    // The agent's core is OS-, transport- and UI-neutral (HOUSE-STYLE habit 1).
    files: ['agent/src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/linux/**', '**/win32/**', '**/darwin/**'], message: 'core must not import OS adapters' },
          { group: ['electron', '@grpc/*', '@mamori/proto/grpc', 'fastify', '**/uplink/**'], message: 'core must not import transports or UI' },
        ],
      }],
    },
  },
  // Layer boundaries (lint/layer-rules.js): database drivers only in collector/src/store/, gRPC only in the agent's
  // uplink/ and the collector's ingest/, OS-neutral common/ folders, a store that imports no feature folder, and an
  // agent control/ that never imports sensors/; a console that never touches Node and imports only types from the
  // collector (its API contract).
  ...layerRules,
);
