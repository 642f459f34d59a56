// The single executable's bundle step ships the collector's worker threads (SIEM formatting, report building) as
// bundles beside it, and the bundled program finds them. Runs the bundle step only (`bundleSea`) and the bundled
// main script with plain node from a folder that has no node_modules, laid out as the executable sees it; building
// and injecting the blob (minutes) adds nothing to what is checked here.
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZERO_HASH, chainHash, encodeEvent } from '@mamori/proto';
import { bundleSea, seaSpecs, type SeaBundles } from '../../installers/sea/build-sea.ts';
import { SiemConfigSchema } from '../../collector/src/siem/config.ts';
import { formatPage, packPage, type FormattedChunk } from '../../collector/src/siem/format-page.ts';
import type { StoredEvent } from '../../collector/src/store/types.ts';
import { tempDir } from '../harness/collector.ts';

function run(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { env, cwd: tempDir('sea-cwd') }, (error, out, err) => resolve({ code: error ? Number(error.code ?? 1) : 0, out, err }));
  });
}

describe('collector single executable: worker threads', () => {
  let out: string;
  let bundles: SeaBundles;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    out = tempDir('collector-sea-bundle');
    bundles = await bundleSea(seaSpecs.collector, out);
    // No NODE_OPTIONS (vitest's loader) and no tsx: only what the executable would have.
    env = { PATH: process.env.PATH, HOME: process.env.HOME, MAMORI_APP_ROOT: out, MAMORI_ADDON_DIR: out };
  }, 180_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('bundles each worker module to its own path with .cjs', () => {
    expect(bundles.workerBundles.map((file) => relative(out, file))).toEqual(['collector/src/siem/format-worker.cjs', 'collector/src/reports/report-worker.cjs']);
    for (const file of bundles.workerBundles) expect(existsSync(file)).toBe(true);
  });

  it('builds a report on its report thread (and says so when the worker file is missing)', async () => {
    const data = join(out, 'data');
    const init = await run(bundles.mainScript, ['-d', data, 'init', '--http-port', '0', '--json'], env);
    expect(init.code, init.err).toBe(0);
    const generate = (to: string) => run(bundles.mainScript, ['-d', data, 'report', 'generate', '--template', 'weekly_usb', '--from', '2026-10-05', '--to', to, '-o', join(out, 'reports'), '--json'], env);
    const offThread = await generate('2026-10-11');
    expect(offThread.code, offThread.err).toBe(0);
    expect(offThread.err).not.toMatch(/main thread/);
    expect((JSON.parse(offThread.out) as { files: string[] }).files.every((f) => existsSync(f))).toBe(true);
    // Control: without the worker's bundle the same program falls back, and tells.
    rmSync(join(out, 'collector/src/reports/report-worker.cjs'));
    const onMain = await generate('2026-10-10');
    expect(onMain.code, onMain.err).toBe(0);
    expect(onMain.err).toMatch(/the report is built on the main thread: .*report-worker\.cjs/);
  }, 120_000);

  it('formats SIEM pages on the bundled formatting thread, byte for byte as the collector does inline', async () => {
    const siem = SiemConfigSchema.parse({ sinks: [{ name: 'soc', format: 'syslog', socket: { host: 'localhost', port: 6514 } }] });
    let hash = ZERO_HASH;
    const rows: StoredEvent[] = Array.from({ length: 50 }, (_, i) => {
      const envelope = { seq: i + 1, timeMs: Date.UTC(2026, 10, 2) + i, agentId: 'agent-1', pc: 'PC-1', user: 'tanaka' };
      const bytes = encodeEvent({ ...envelope, printJob: { jobId: i, documentName: `見積書-${i}.pdf`, printer: 'P', pages: 1, copies: 1, state: 'completed' } });
      hash = chainHash(hash, bytes);
      return { id: i + 1, ...envelope, receivedMs: envelope.timeMs, kind: 'print_job', hash, bytes };
    });
    const worker = new Worker(join(out, 'collector/src/siem/format-worker.cjs'), { workerData: { data: { siem } }, env: { MAMORI_APP_ROOT: out } });
    try {
      const chunks = await new Promise<FormattedChunk[]>((resolve, reject) => {
        worker.on('error', reject);
        worker.on('message', (reply: { ready?: boolean; chunks?: FormattedChunk[]; error?: string }) => {
          if (reply.ready) worker.postMessage({ id: 1, sink: 'soc', page: packPage(rows) });
          else if (reply.chunks) resolve(reply.chunks);
          else reject(new Error(reply.error));
        });
      });
      const expected = formatPage(rows, siem.sinks[0]!, siem);
      expect(chunks.map((c) => Buffer.from(c.bytes).toString('utf8'))).toEqual(expected.map((c) => Buffer.from(c.bytes).toString('utf8')));
      expect(chunks.at(-1)!.throughId).toBe(50);
    } finally {
      await worker.terminate();
    }
  }, 60_000);
});
