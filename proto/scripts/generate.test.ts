import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

// generate.mjs runs before every `turbo run typecheck`: it must leave a file it would write the same alone (same inode),
// so a test importing proto/src/gen at that moment never sees a file missing or half written.
const proto = fileURLToPath(new URL('..', import.meta.url));
const dirs: string[] = [];
afterEach(() => { for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true }); });

/** A copy of the proto package (sources, scripts, the committed src/gen) to regenerate in, with the repo's node_modules. */
function copy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-proto-gen-'));
  dirs.push(dir);
  for (const part of ['mamori', 'scripts', 'src/gen']) cpSync(join(proto, part), join(dir, part), { recursive: true });
  symlinkSync(join(proto, '..', 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

function snapshot(dir: string): Map<string, { ino: number; text: string }> {
  const out = new Map<string, { ino: number; text: string }>();
  const walk = (sub: string) => {
    for (const name of readdirSync(join(dir, sub))) {
      const path = join(sub, name);
      if (statSync(join(dir, path)).isDirectory()) walk(path);
      else out.set(path, { ino: statSync(join(dir, path)).ino, text: readFileSync(join(dir, path), 'utf8') });
    }
  };
  walk('src/gen');
  return out;
}

const generate = (dir: string) => execFileSync(process.execPath, [join(dir, 'scripts/generate.mjs')], { cwd: dir, encoding: 'utf8' });

describe('proto generate', () => {
  it('rewrites only what changed: unchanged files keep their inode, a changed one is restored, a missing one made, a stale one removed', async () => {
    const dir = copy();
    const before = snapshot(dir);
    expect(before.size).toBeGreaterThan(10);
    expect(generate(dir)).toBe(''); // the committed files are fresh: nothing written
    expect(snapshot(dir)).toEqual(before);

    appendFileSync(join(dir, 'src/gen/events.ts'), '// edited by hand\n');
    unlinkSync(join(dir, 'src/gen/descriptor.ts'));
    writeFileSync(join(dir, 'src/gen/stale.ts'), 'export {};\n');
    expect(generate(dir)).toContain('2 written, 1 removed');
    const after = snapshot(dir);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [path, file] of after) {
      expect(file.text, path).toBe(before.get(path)!.text);
      if (path !== 'src/gen/events.ts' && path !== 'src/gen/descriptor.ts') expect(file.ino, path).toBe(before.get(path)!.ino);
    }
    expect(readdirSync(dir).filter((name) => name.startsWith('.gen-'))).toEqual([]); // its temporary folder is gone
    expect(existsSync(join(dir, 'src/gen/stale.ts'))).toBe(false);
  }, 120_000);
});
