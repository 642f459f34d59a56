/**
 * Builds the console (React, vite) for a package: into the package's own folder, without source maps, and fails
 * loudly — a collector package without its console is not a package. Uses console/vite.config.ts with only the
 * output folder and source maps overridden.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const consoleDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../console');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

export async function buildConsole(outDir: string): Promise<void> {
  const { build } = await import('vite');
  try {
    await build({
      root: consoleDir, configFile: join(consoleDir, 'vite.config.ts'), logLevel: 'error', mode: 'production',
      build: { outDir, emptyOutDir: true, sourcemap: false, reportCompressedSize: false },
    });
  } catch (error) {
    throw new Error(`building the console failed: ${(error as Error).message}`);
  }
  if (!existsSync(join(outDir, 'index.html'))) throw new Error(`building the console produced no index.html in ${outDir}`);
  const maps = files(outDir).filter((f) => f.endsWith('.map'));
  if (maps.length > 0) throw new Error(`the console build left source maps: ${maps.join(', ')}`);
}
