import type { FastifyInstance } from 'fastify';
import { defaultPolicyDir, readPolicyDir } from '@mamori/policies';
import { hashPassword } from '../auth/passwords.ts';
import { buildHttpServer } from '../http/server.ts';
import { CollectorHub } from '../hub.ts';
import { SessionRegistry } from '../ingest/sessions.ts';
import { PolicyService } from '../policy-service.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { ReportContext } from './generate.ts';

// Test support for inspection reports: the real HTTP server with the report machinery wired as app.ts does, over
// a store at `path` (a file, so a second store can reopen it as after a restart), with a movable clock.

export interface ReportTestServer {
  app: FastifyInstance;
  store: SqliteStore;
  policy: PolicyService;
  context: ReportContext;
  clock: { now: number };
  /** Signs in as a user (created with that role on first use); returns cookie + CSRF headers. */
  as(username: string, role: 'admin' | 'operator' | 'auditor'): Promise<Record<string, string>>;
  close(): Promise<void>;
}

const password = 'report test password';
let hashed: string | undefined;

/** The shipped policy with its reports.yaml replaced by `reportsYaml`. */
export function policyWithReports(reportsYaml: string): { name: string; text: string }[] {
  return [...readPolicyDir(defaultPolicyDir).filter((s) => s.name !== 'reports.yaml'), { name: 'reports.yaml', text: reportsYaml }];
}

export async function reportTestServer(
  path: string, options: { startMs: number; reportsYaml?: string; pcs?: string[]; from?: string },
): Promise<ReportTestServer> {
  const store = new SqliteStore(path);
  const clock = { now: options.startMs };
  const now = () => clock.now;
  for (const [i, pc] of (options.pcs ?? []).entries()) {
    if (await store.getAgent(`agent-${pc}`)) continue;
    await store.createAgent({ id: `agent-${pc}`, pc, hardwareId: `hw-${i}`, os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: options.startMs, previousAgentId: null });
  }
  const policy = new PolicyService(store, new SessionRegistry(), now);
  await policy.load();
  if (options.reportsYaml !== undefined) await policy.publish(policyWithReports(options.reportsYaml), 'test');
  const context: ReportContext = {
    repos: store.repos, store, policy: () => policy.current, now, mail: { from: options.from ?? 'mamori@example.co.jp', publicUrl: () => 'https://mamori.example.co.jp' },
  };
  const { app } = await buildHttpServer({ store, repos: store.repos, now, policy, hub: new CollectorHub(), reports: context });
  await app.ready();
  hashed ??= await hashPassword(password);
  return {
    app, store, policy, context, clock,
    async as(username, role) {
      if (!(await store.getUser(username))) await store.putUser({ username, passwordHash: hashed!, role, createdMs: clock.now });
      const res = await app.inject({ method: 'POST', url: '/api/session', payload: { username, password } });
      if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.body}`);
      const cookie = res.cookies.find((c) => c.name === 'mamori_session')!;
      return { cookie: `mamori_session=${cookie.value}`, 'x-csrf-token': (res.json() as { csrfToken: string }).csrfToken };
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}
