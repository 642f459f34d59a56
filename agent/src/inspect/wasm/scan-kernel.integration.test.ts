import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileScanKernel, modulePath, moduleText, wasmPath } from './build-scan-kernel.ts';

function hasClang(): boolean {
  try {
    execFileSync('clang', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The committed kernel is what its source gives: rebuilt with clang + lld (in CI always: .ci/run installs them). */
describe('scan-kernel.wasm', () => {
  it('is the module the loader embeds (scan-kernel-wasm.ts is generated from it)', () => {
    expect(readFileSync(modulePath, 'utf8')).toBe(moduleText(readFileSync(wasmPath)));
  });

  it.skipIf(!hasClang() && process.env.CI !== 'true')('is what scan-kernel.c compiles to (npm run build:wasm -w @mamori/agent)', () => {
    expect(Buffer.compare(compileScanKernel(), readFileSync(wasmPath))).toBe(0);
  });
});
