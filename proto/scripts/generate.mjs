// Regenerates src/gen from mamori/v1/*.proto, touching only the files whose content changed. `turbo run typecheck`
// (and lint, build) run this first; rewriting every file each time (rm -rf src/gen, then write) made tests running
// at that moment in the same worktree fail to import a file that was briefly missing or half written. So everything is
// generated into a fresh temporary folder first; then each file that differs is written beside its target and
// renamed over it (a reader sees the old file or the new one, never none or part), and files no longer generated go.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = join(root, 'src/gen');
const protos = ['mamori/v1/events.proto', 'mamori/v1/agent_service.proto'];

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const fresh = mkdtempSync(join(root, '.gen-'));
try {
  const bin = join(dirname(fileURLToPath(import.meta.resolve('@grpc/proto-loader/package.json'))), 'build/bin/proto-loader-gen-types.js');
  execFileSync(process.execPath, [bin, '--longs=Number', '--enums=String', '--bytes=Buffer', '--defaults', '--oneofs', '--grpcLib=@grpc/grpc-js',
    '--importFileExtension=.ts', '-O', fresh, '--includeDirs=.', '--', ...protos], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [join(root, 'scripts/emit-descriptor.mjs'), fresh], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [join(root, 'scripts/mark-generated.mjs'), fresh], { cwd: root, stdio: 'inherit' });
  const made = new Set();
  let written = 0;
  for (const path of files(fresh)) {
    const name = relative(fresh, path);
    made.add(name);
    const text = readFileSync(path);
    const destination = join(target, name);
    if (existsSync(destination) && readFileSync(destination).equals(text)) continue;
    mkdirSync(dirname(destination), { recursive: true });
    const partial = `${destination}.${process.pid}.tmp`;
    writeFileSync(partial, text);
    renameSync(partial, destination);
    written += 1;
  }
  let removed = 0;
  for (const path of files(target)) {
    if (!made.has(relative(target, path))) {
      unlinkSync(path);
      removed += 1;
    }
  }
  if (written + removed > 0) process.stdout.write(`proto: src/gen updated (${written} written, ${removed} removed)\n`);
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
