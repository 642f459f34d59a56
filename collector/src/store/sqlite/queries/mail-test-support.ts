import { type Event, type MailEvent } from '@mamori/proto';
import type { SqliteStore } from '../sqlite-store.ts';
import { memoryStoreWith } from '../test-support.ts';

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

/** Stores events the way ingest does (exact bytes), then projects them into the query tables. */
export function storeWithMails(events: Event[]): Promise<SqliteStore> {
  return memoryStoreWith(events, 'PC-ACCT-07', day);
}
