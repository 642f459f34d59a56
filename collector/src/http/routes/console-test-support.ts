import type { Event } from '@mamori/proto';
import type { FastifyInstance } from 'fastify';
import { hashPassword } from '../../auth/passwords.ts';
import { CollectorHub } from '../../hub.ts';
import { SessionRegistry } from '../../ingest/sessions.ts';
import { PolicyService } from '../../policy-service.ts';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';
import { storeEvents } from '../../store/sqlite/test-support.ts';
import { buildHttpServer } from '../server.ts';

// Test support for the console's routes: the real HTTP server (sessions, CSRF, roles) over an in-memory store.

export const day = Date.UTC(2026, 10, 22);
export const unlockKey = Buffer.alloc(32, 7);
const password = 'correct horse battery staple';
let hashed: string | undefined;

export interface ConsoleTestServer {
  app: FastifyInstance;
  store: SqliteStore;
  policy: PolicyService;
  clock: { now: number };
  /** Signs in as a user of that role; returns headers for later requests (cookie, and CSRF for mutations). */
  as(role: 'admin' | 'operator' | 'auditor'): Promise<Record<string, string>>;
  close(): Promise<void>;
}

export async function consoleTestServer(pcs: string[] = ['PC-ACCT-07']): Promise<ConsoleTestServer> {
  const store = new SqliteStore(':memory:');
  const clock = { now: day + 3_600_000 };
  const now = () => clock.now;
  hashed ??= await hashPassword(password);
  for (const role of ['admin', 'operator', 'auditor'] as const) await store.putUser({ username: role, passwordHash: hashed, role, createdMs: day });
  for (const [i, pc] of pcs.entries()) {
    await store.createAgent({ id: `agent-${i + 1}`, pc, hardwareId: `hw-${i}`, os: 'linux', publicKey: Buffer.alloc(32), unlockKey, enrolledMs: day, previousAgentId: null });
  }
  const policy = new PolicyService(store, new SessionRegistry(), now, store.repos.uploadExceptions);
  await policy.load();
  const { app } = await buildHttpServer({ store, repos: store.repos, now, policy, hub: new CollectorHub() });
  await app.ready();
  return {
    app, store, policy, clock,
    async as(role) {
      const res = await app.inject({ method: 'POST', url: '/api/session', payload: { username: role, password } });
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

/** Stores events for one agent the way ingest does (exact bytes), then projects them into the query tables. */
export function ingest(store: SqliteStore, agentId: string, events: Event[]): Promise<void> {
  return storeEvents(store, agentId, events, day);
}

/** A file-copy event at minute `seq` of the test day. */
export function copyEvent(seq: number, destinationPath: string, over: Partial<Event> = {}): Event {
  return {
    seq, timeMs: day + seq * 60_000, agentId: 'agent-1', pc: 'PC-ACCT-07', user: 'tanaka',
    fileCopy: { destinationPath, destinationKind: 'removable', destinationRoot: '/media/usb', sizeBytes: 2048, sha256: 'ab'.repeat(32), operation: 'created' },
    ...over,
  };
}
