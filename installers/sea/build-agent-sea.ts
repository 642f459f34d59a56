/**
 * Builds the agent as one executable (Node single executable application) with its native addons beside it:
 *   esbuild bundle (CommonJS, everything inlined) → sea-config.json → `node --experimental-sea-config` blob
 *   → copy of this Node binary → postject injects the blob → better_sqlite3.node and usb.node copied next to it.
 * PCs then need no Node and no node_modules. Native addons cannot live inside the blob (dlopen needs a file), so
 * `bindings` (better-sqlite3) and `node-gyp-build` (usb) are replaced in the bundle by a loader that opens the
 * addon from the executable's folder (or MAMORI_ADDON_DIR).
 *
 * Usage: tsx installers/sea/build-agent-sea.ts [outDir]   (default: installers/sea/dist/<platform>-<arch>)
 * Runs on the target OS: the executable is this Node binary, so build Windows on Windows, macOS on macOS
 * (where postject needs `--macho-segment-name NODE_SEA` and the binary must be re-signed; see README).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const requireFromAgent = createRequire(join(repo, 'agent/package.json'));
export const seaFuse = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const addonLoader = `
const { dirname, join } = require('node:path');
function loadAddon(file) {
  const dir = process.env.MAMORI_ADDON_DIR || dirname(process.execPath);
  const module = { exports: {} };
  process.dlopen(module, join(dir, file));
  return module.exports;
}`;

/** Replaces the addon finders with loaders that look beside the executable. */
const nativeAddons: Plugin = {
  name: 'native-addons-beside-executable',
  setup(builder) {
    builder.onResolve({ filter: /^(bindings|node-gyp-build)$/ }, (args) => ({ path: args.path, namespace: 'addon-shim' }));
    builder.onLoad({ filter: /.*/, namespace: 'addon-shim' }, (args) => ({
      loader: 'js',
      contents: args.path === 'bindings'
        ? `${addonLoader}\nmodule.exports = (name) => loadAddon(name.endsWith('.node') ? name : name + '.node');`
        : `${addonLoader}\nmodule.exports = () => loadAddon('usb.node');`,
    }));
  },
};

function usbPrebuild(): string {
  const dir = join(dirname(requireFromAgent.resolve('usb/package.json')), 'prebuilds', `${process.platform}-${process.arch}`);
  if (!existsSync(dir)) throw new Error(`usb has no prebuild for ${process.platform}-${process.arch}`);
  const files = readdirSync(dir).filter((f) => f.endsWith('.node'));
  const pick = files.find((f) => f.includes('glibc')) ?? files[0];
  if (!pick) throw new Error(`no .node file in ${dir}`);
  return join(dir, pick);
}

export interface SeaBuild {
  executable: string;
  addons: string[];
  bundleBytes: number;
}

export async function buildAgentSea(outDir = join(here, 'dist', `${process.platform}-${process.arch}`)): Promise<SeaBuild> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const work = join(outDir, '.work');
  mkdirSync(work);
  const bundle = join(work, 'mamori-agent.cjs');
  const result = await build({
    entryPoints: [join(here, 'agent-entry.ts')], outfile: bundle, bundle: true, platform: 'node', format: 'cjs',
    // keepNames: the ipp package tells deferred attribute syntaxes apart by their function's name.
    target: 'node20', plugins: [nativeAddons], keepNames: true, logLevel: 'warning', legalComments: 'none', metafile: true,
    // Optional dependencies some libraries probe for and handle missing.
    external: ['electron'],
    // Some modules compute paths from import.meta.url at load time (e.g. the policies' default folder, unused by
    // the agent): give them a valid URL instead of the empty object CommonJS output would leave.
    define: { 'import.meta.url': 'importMetaUrl' },
    // The fragment keeps any "am I the main module?" check (import.meta.url === argv[1]) false inside the bundle.
    banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href + '#mamori-sea-bundle';" },
  });
  const bundleBytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);

  const blob = join(work, 'sea-prep.blob');
  writeFileSync(join(work, 'sea-config.json'), JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: false }));
  execFileSync(process.execPath, ['--experimental-sea-config', join(work, 'sea-config.json')], { stdio: 'pipe' });

  const executable = join(outDir, process.platform === 'win32' ? 'mamori-agent.exe' : 'mamori-agent');
  copyFileSync(process.execPath, executable);
  chmodSync(executable, 0o755);
  const postject = join(dirname(requireFromAgent.resolve('postject/package.json')), 'dist', 'cli.js');
  const machO = process.platform === 'darwin' ? ['--macho-segment-name', 'NODE_SEA'] : [];
  execFileSync(process.execPath, [postject, executable, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', seaFuse, ...machO], { stdio: 'pipe' });

  const addons = [join(outDir, 'better_sqlite3.node'), join(outDir, 'usb.node')];
  copyFileSync(join(dirname(requireFromAgent.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node'), addons[0]!);
  copyFileSync(usbPrebuild(), addons[1]!);
  rmSync(work, { recursive: true, force: true });
  return { executable, addons, bundleBytes };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await buildAgentSea(process.argv[2] ? resolve(process.argv[2]) : undefined);
  process.stdout.write(`${JSON.stringify(built)}\n`);
}
