import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp, createEnrollmentToken, initDataDir, loadCollectorConfig, type CollectorApp } from '@mamori/collector';

export const collectorBin = fileURLToPath(new URL('../../collector/bin/mamori-collector.js', import.meta.url));
export const agentBin = fileURLToPath(new URL('../../agent/bin/mamori-agent.js', import.meta.url));

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `mamori-${prefix}-`));
}

/** A fresh collector data dir (CA, certs, DB, admin). Returns the dir and the admin password. */
export async function initTestCollector(dataDir = tempDir('collector')): Promise<{ dataDir: string; adminPassword: string }> {
  const { adminPassword } = await initDataDir(dataDir, { advertise: 'localhost:7443', names: [], adminUser: 'admin', httpPort: 0 });
  return { dataDir, adminPassword };
}

export interface TestCollector {
  app: CollectorApp;
  dataDir: string;
  grpcPort: number;
  httpUrl: string;
  adminPassword: string;
  token(uses?: number, ttlMs?: number): Promise<string>;
  close(): Promise<void>;
}

/** An in-process collector on free ports (or the given gRPC port, to come back on the same address). */
export async function startTestCollector(options: { dataDir?: string; grpcPort?: number; adminPassword?: string; config?: Record<string, unknown> } = {}): Promise<TestCollector> {
  const init = options.dataDir ? { dataDir: options.dataDir, adminPassword: options.adminPassword ?? '' } : await initTestCollector();
  const config = loadCollectorConfig(init.dataDir, { ...options.config, grpc: { port: options.grpcPort ?? 0, host: '127.0.0.1' }, http: { port: 0, host: '127.0.0.1' } });
  const app = await buildApp(config);
  const { grpcPort, httpUrl } = await app.listen();
  return {
    app, dataDir: init.dataDir, grpcPort, httpUrl, adminPassword: init.adminPassword,
    token: async (uses = 1, ttlMs = 3_600_000) => (await createEnrollmentToken(app.store, {
      address: `localhost:${grpcPort}`, caFingerprint: app.tls.caFingerprint, ttlMs, uses, actor: 'test', now: Date.now(),
    })).token,
    close: () => app.close(),
  };
}

/** A collector in a child process (so it can be SIGKILLed). Resolves once it listens. `env` adds to ours. */
export async function spawnCollector(dataDir: string, grpcPort: number, env: NodeJS.ProcessEnv = {}): Promise<ChildProcess> {
  // COLLECTOR_NODE_ARGS lets a profiling run pass e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to the collector.
  const nodeArgs = process.env.COLLECTOR_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, collectorBin, '-d', dataDir, 'start', '--grpc-port', String(grpcPort), '--http-port', '0', '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env },
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('grpcPort')) resolve();
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`collector exited ${code}: ${err}`)));
  });
  // After start-up, whatever the collector says on stderr is worth seeing (a crash, a warning).
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`[collector ${child.pid}] ${chunk.toString()}`));
  return child;
}

export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** Polls until `check` returns true or the timeout passes. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 30_000, label = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
}
