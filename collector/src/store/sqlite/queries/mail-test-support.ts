import { decodeEvent, encodeEvent, eventKind, type Event, type MailEvent } from '@mamori/proto';
import { SqliteStore } from '../sqlite-store.ts';

// Test support for the mail queries and routes: events shaped as the relay sends them, stored through ingest's path.

export const day = Date.UTC(2026, 10, 22);

export function mailEvent(seq: number, mail: Partial<MailEvent>, over: Partial<Event> = {}): Event {
  return {
    seq, timeMs: day + seq * 60_000, agentId: 'agent-1', pc: 'PC-ACCT-07', user: 'tanaka',
    mail: {
      messageId: `<m${seq}@example.co.jp>`, from: 'tanaka@example.co.jp', to: ['someone@example.co.jp'], cc: [], bcc: [],
      subject: `mail ${seq}`, sizeBytes: 2048, bodyExcerpt: '', attachments: [], verdict: 'relayed', rule: '',
      malformed: false, upstreamResponse: '250 2.0.0 Ok', ...mail,
    },
    ...over,
  };
}

/** Stores events the way ingest does (exact bytes, indexers in the same transaction). */
export async function storeWithMails(events: Event[]): Promise<SqliteStore> {
  const store = new SqliteStore(':memory:');
  await store.createAgent({ id: 'agent-1', pc: 'PC-ACCT-07', hardwareId: 'hw', os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: day, previousAgentId: null });
  await store.appendBatch({
    agentId: 'agent-1', firstSeq: Number(events[0]!.seq), lastSeq: Number(events.at(-1)!.seq),
    prevHash: Buffer.alloc(32), lastHash: Buffer.alloc(32, 1), signature: Buffer.alloc(64),
    events: events.map((event, i) => {
      const bytes = encodeEvent(event);
      const decoded = decodeEvent(bytes);
      return { seq: Number(event.seq), bytes, hash: Buffer.alloc(32, i), event: decoded, kind: eventKind(decoded) };
    }),
  }, Date.now());
  await store.projectPending(Number.MAX_SAFE_INTEGER); // fill the query tables, as the projector does
  return store;
}
