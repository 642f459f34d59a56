/**
 * Builds the agent (and the collector) as one executable (Node single executable application) with native addons
 * and data files beside it:
 *   esbuild bundle (CommonJS, everything inlined) → sea-config.json → `node --experimental-sea-config` blob
 *   → copy of this Node binary → postject injects the blob → addons (.node) and resources copied next to it.
 * PCs then need no Node and no node_modules. Native addons cannot live inside the blob (dlopen needs a file), so
 * `bindings` (better-sqlite3) and `node-gyp-build` (usb) are replaced in the bundle by a loader that opens the
 * addon from the executable's folder (or MAMORI_ADDON_DIR). Our own modules that find files next to their source
 * (`new URL('./migrations/', import.meta.url)`) get import.meta.url rewritten to the same relative place under
 * the executable's folder (or MAMORI_APP_ROOT), where the build copies those files.
 *
 * Usage: tsx installers/sea/build-sea.ts agent|collector [outDir]   (default: installers/sea/dist/<name>-<platform>-<arch>)
 * Runs on the target OS: the executable is this Node binary, so build Windows on Windows, macOS on macOS
 * (where postject needs `--macho-segment-name NODE_SEA` and the binary must be re-signed; see README).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { buildConsole } from './build-console.ts';

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

/** Rewrites import.meta.url in our own sources to "<app root>/<the file's path in the repository>". */
const appRelativeUrls: Plugin = {
  name: 'import-meta-url-under-app-root',
  setup(builder) {
    builder.onLoad({ filter: /\.(ts|mjs)$/ }, (args) => {
      if (args.path.includes('node_modules') || !args.path.startsWith(repo)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const relative = args.path.slice(repo.length + 1).split(sep).join('/');
      return { contents: source.replaceAll('import.meta.url', `__mamoriAppUrl(${JSON.stringify(relative)})`), loader: args.path.endsWith('.ts') ? 'ts' : 'js' };
    });
  },
};

// A module asking "am I the main script?" (import.meta.url === argv[1]) gets false: argv[1] is the executable.
const appRootBanner = `const __mamoriAppUrl = (file) => require('node:url').pathToFileURL(require('node:path').join(
  process.env.MAMORI_APP_ROOT || require('node:path').dirname(process.execPath), file)).href;`;

/**
 * A module the program imports lazily (dynamic import()) and rarely runs, built as its own CommonJS file beside the
 * executable instead of inside the main script: the main script's source text stays in V8's heap for the life of
 * the process, a side bundle's only once something loads it. Its packages are bundled into it (shared ones again).
 */
export interface SideBundle {
  /** The module, by repository path. */
  module: string;
  /** Where it goes, relative to the app root (the executable's folder or MAMORI_APP_ROOT). */
  file: string;
}

/** In the main bundle, the side bundle's module becomes a loader for its file (a SEA's own require sees only builtins). */
function sideBundles(bundles: SideBundle[]): Plugin {
  const byPath = new Map(bundles.map((b) => [join(repo, b.module), b]));
  return {
    name: 'side-bundles-beside-executable',
    setup(builder) {
      builder.onResolve({ filter: /^\./ }, (args) => {
        const bundle = byPath.get(resolve(args.resolveDir, args.path));
        return bundle && { path: bundle.file, namespace: 'side-bundle' };
      });
      builder.onLoad({ filter: /.*/, namespace: 'side-bundle' }, (args) => ({
        loader: 'js',
        contents: `const { dirname, join } = require('node:path');
const root = process.env.MAMORI_APP_ROOT || dirname(process.execPath);
module.exports = require('node:module').createRequire(join(root, 'package.json'))(join(root, ${JSON.stringify(args.path)}));`,
      }));
    },
  };
}

/**
 * zod's `z.locales` namespace pulls its error messages in ~50 languages (about 270 KB of minified source) into any
 * bundle that imports `z`. The agent only reports configuration errors in English (the default, which zod loads from
 * locales/en.js itself), so in its bundle the namespace holds English alone.
 */
const zodEnglishOnly: Plugin = {
  name: 'zod-english-locale-only',
  setup(builder) {
    builder.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => (/[\\/]node_modules[\\/]zod[\\/]v4[\\/]/.test(args.importer)
      ? { path: join(args.resolveDir, '../locales/index.js'), namespace: 'zod-english-only' } : undefined));
    builder.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      loader: 'js', resolveDir: dirname(args.path), contents: `export { default as en } from './en.js';`,
    }));
  },
};

/** pdfkit's CommonJS build (see the collector's sideBundles). */
const pdfkitCommonJs: Plugin = {
  name: 'pdfkit-commonjs',
  setup(builder) {
    builder.onResolve({ filter: /^pdfkit$/ }, () => ({ path: join(repo, 'node_modules/pdfkit/js/pdfkit.js') }));
  },
};

export interface SeaSpec {
  name: 'mamori-agent' | 'mamori-collector';
  entry: string;
  /** Extra esbuild plugins for this program's bundles. */
  plugins?: Plugin[];
  /** Lazily imported modules shipped as files beside the executable (see SideBundle). */
  sideBundles?: SideBundle[];
  /**
   * Worker-thread modules (started with startModuleWorker), by repository path: each is bundled to the same path
   * with .cjs under the app root, where startModuleWorker looks when the .ts file is not there.
   */
  workerModules?: string[];
  /** Addon files to put beside the executable: [file name, source path]. */
  addons: () => [string, string][];
  /** Folders the program reads at run time, by repository path (copied to the same path under the app root). */
  resources: string[];
  /** Files a side bundle's libraries read beside it at run time: repository path → path under the output folder. */
  sideData?: { from: string; to: string }[];
  /** Resources built for the executable (the console), by repository path: the build writes them there or fails. */
  builtResources?: { folder: string; build: (outDir: string) => Promise<void> }[];
}

export const seaSpecs: Record<'agent' | 'collector', SeaSpec> = {
  agent: {
    name: 'mamori-agent', entry: join(here, 'agent-entry.ts'), resources: [],
    // The SMTP relay runs only where a mail upstream is configured; its libraries (smtp-server, nodemailer,
    // mailparser, libmime with iconv-lite's code pages: about half of the agent's code) load from here when it starts.
    sideBundles: [
      { module: 'agent/src/sensors/mail/node/smtp-relay.ts', file: 'lib/mail-relay.cjs' },
      // Content inspection (zip, Office XML, mail parsing) loads when the first file is inspected; pdf.js (1.7 MB)
      // only when the first PDF is.
      { module: 'agent/src/inspect/node/inspect.ts', file: 'lib/inspect.cjs' },
      { module: 'agent/src/inspect/node/formats/pdf-text.ts', file: 'lib/inspect-pdf.cjs' },
    ],
    plugins: [zodEnglishOnly],
    addons: () => [
      ['better_sqlite3.node', join(dirname(requireFromAgent.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node')],
      ['usb.node', usbPrebuild()],
    ],
  },
  collector: {
    name: 'mamori-collector', entry: join(here, 'collector-entry.ts'),
    // The batch-check worker thread runs from files beside the executable (plain JS, no packages).
    resources: ['collector/src/store/sqlite/migrations', 'policies/default', 'collector/src/ingest/batch-crypto.mjs', 'proto/verifier/verify-evidence.mjs', 'proto/src/envelope.mjs', 'proto/src/seal.mjs'],
    builtResources: [{ folder: 'console/dist', build: buildConsole }],
    // PDF reports load pdfkit on first use. Its CommonJS build finds its data files (ICC profile, standard font
    // metrics) beside itself, so they are copied next to the side bundle; the ES build would need import.meta.url,
    // which a CommonJS bundle does not have (the collector then failed at start).
    sideBundles: [{ module: 'collector/src/reports/render-pdf.ts', file: 'lib/report-pdf.cjs' }],
    // SIEM formatting and report building run on worker threads; without these files the executable did both on
    // its main thread (ingest and the API stalled meanwhile).
    workerModules: ['collector/src/siem/format-worker.ts', 'collector/src/reports/report-worker.ts'],
    // Its standard-font metrics load at run time through the package "imports" map ('#standard-fonts/…'), which
    // lib/package.json gives back beside the side bundle.
    sideData: [
      { from: 'node_modules/pdfkit/js/data', to: 'lib/data' },
      { from: 'node_modules/pdfkit/js/standard-fonts', to: 'lib/standard-fonts' },
      { from: 'installers/sea/report-pdf-lib-package.json', to: 'lib/package.json' },
    ],
    plugins: [pdfkitCommonJs],
    addons: () => [
      ['better_sqlite3.node', join(dirname(requireFromAgent.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node')],
    ],
  },
};

export interface SeaBuild {
  executable: string;
  addons: string[];
  /** Side bundles written beside the executable (SeaSpec.sideBundles). */
  sideBundles: string[];
  /** Worker bundles under the app root (SeaSpec.workerModules). */
  workerBundles: string[];
  resources: string[];
  bundleBytes: number;
}

/** What the bundle step writes: the main script (in .work, before it goes into the blob) and the files beside it. */
export type SeaBundles = Omit<SeaBuild, 'executable'> & { mainScript: string };

/**
 * The bundle step without the executable: the main script, side and worker bundles, addons, resources and side
 * data, laid out under `outDir` as the executable will find them. `node .work/<name>.cjs` with MAMORI_APP_ROOT=outDir
 * and MAMORI_ADDON_DIR=outDir runs the same code (tests use this; building and injecting the blob takes minutes).
 */
export async function bundleSea(spec: SeaSpec, outDir: string): Promise<SeaBundles> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const work = join(outDir, '.work');
  mkdirSync(work);
  const bundle = join(work, `${spec.name}.cjs`);
  const options = {
    bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    // keepNames: the ipp package tells deferred attribute syntaxes apart by their function's name.
    keepNames: true, minify: true, logLevel: 'error', legalComments: 'none', metafile: true,
    // Optional dependencies some libraries probe for and handle missing.
    external: ['electron'],
    banner: { js: appRootBanner },
  } satisfies BuildOptions;
  const result = await build({ ...options, entryPoints: [spec.entry], outfile: bundle, plugins: [...(spec.plugins ?? []), nativeAddons, appRelativeUrls, sideBundles(spec.sideBundles ?? [])] });
  const bundleBytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
  const sideFiles: string[] = [];
  for (const side of spec.sideBundles ?? []) {
    const file = join(outDir, side.file);
    // A side bundle may load another lazily (inspection → pdf.js): the others stay files of their own.
    const others = (spec.sideBundles ?? []).filter((other) => other !== side);
    await build({ ...options, entryPoints: [join(repo, side.module)], outfile: file, plugins: [...(spec.plugins ?? []), nativeAddons, appRelativeUrls, sideBundles(others)] });
    sideFiles.push(file);
  }
  const workerFiles: string[] = [];
  for (const module of spec.workerModules ?? []) {
    const file = join(outDir, module.replace(/\.ts$/, '.cjs'));
    // A worker loads side bundles (pdfkit) from their files like the main script does.
    await build({ ...options, entryPoints: [join(repo, module)], outfile: file, plugins: [...(spec.plugins ?? []), nativeAddons, appRelativeUrls, sideBundles(spec.sideBundles ?? [])] });
    workerFiles.push(file);
  }
  const addons: string[] = [];
  for (const [file, source] of spec.addons()) {
    copyFileSync(source, join(outDir, file));
    addons.push(join(outDir, file));
  }
  const resources: string[] = [];
  for (const folder of spec.resources) {
    const source = join(repo, folder);
    if (!existsSync(source)) throw new Error(`${folder} is missing`);
    cpSync(source, join(outDir, folder), { recursive: true });
    resources.push(join(outDir, folder));
  }
  for (const { from, to } of spec.sideData ?? []) {
    cpSync(join(repo, from), join(outDir, to), { recursive: true });
    resources.push(join(outDir, to));
  }
  return { mainScript: bundle, addons, sideBundles: sideFiles, workerBundles: workerFiles, resources, bundleBytes };
}

export async function buildSea(spec: SeaSpec, outDir: string): Promise<SeaBuild> {
  const { mainScript, ...bundles } = await bundleSea(spec, outDir);
  const work = dirname(mainScript);
  const blob = join(work, 'sea-prep.blob');
  // Paths relative to the work folder: the blob records the main script's path, and an absolute one would make
  // every build in a different folder a different executable.
  writeFileSync(join(work, 'sea-config.json'), JSON.stringify({ main: `${spec.name}.cjs`, output: 'sea-prep.blob', disableExperimentalSEAWarning: true, useCodeCache: false }));
  execFileSync(process.execPath, ['--experimental-sea-config', 'sea-config.json'], { stdio: 'pipe', cwd: work });

  const executable = join(outDir, process.platform === 'win32' ? `${spec.name}.exe` : spec.name);
  copyFileSync(process.execPath, executable);
  chmodSync(executable, 0o755);
  // Linux: drop the symbol table before injecting (about 12 MB smaller; Debian policy wants stripped binaries).
  // The SEA fuse is a string in .rodata and survives. macOS/Windows: the binary is re-signed instead (README).
  if (process.platform === 'linux') execFileSync('strip', ['--strip-unneeded', executable]);
  const postject = join(dirname(requireFromAgent.resolve('postject/package.json')), 'dist', 'cli.js');
  const machO = process.platform === 'darwin' ? ['--macho-segment-name', 'NODE_SEA'] : [];
  execFileSync(process.execPath, [postject, executable, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', seaFuse, ...machO], { stdio: 'pipe' });

  const resources = [...bundles.resources];
  for (const { folder, build: buildResource } of spec.builtResources ?? []) {
    await buildResource(join(outDir, folder));
    resources.push(join(outDir, folder));
  }
  rmSync(work, { recursive: true, force: true });
  return { executable, ...bundles, resources };
}

export function buildAgentSea(outDir = join(here, 'dist', `mamori-agent-${process.platform}-${process.arch}`)): Promise<SeaBuild> {
  return buildSea(seaSpecs.agent, outDir);
}

export function buildCollectorSea(outDir = join(here, 'dist', `mamori-collector-${process.platform}-${process.arch}`)): Promise<SeaBuild> {
  return buildSea(seaSpecs.collector, outDir);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const which = process.argv[2];
  if (which !== 'agent' && which !== 'collector') throw new Error('usage: build-sea.ts agent|collector [outDir]');
  const spec = seaSpecs[which];
  const built = await buildSea(spec, process.argv[3] ? resolve(process.argv[3]) : join(here, 'dist', `${spec.name}-${process.platform}-${process.arch}`));
  process.stdout.write(`${JSON.stringify(built)}\n`);
}
