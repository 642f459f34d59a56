import Fastify from 'fastify';
import { headerRoleGuard } from './route-test-support.ts';
import { afterEach, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../store/sqlite/sqlite-store.ts';
import { mailEvent, storeWithMails } from '../../store/sqlite/queries/mail-test-support.ts';
import { mailRoutes } from './mail.ts';
import type { Store } from '../../store/store.ts';

type AuditInput = Parameters<Store['appendAudit']>[0];

async function appWith(store: SqliteStore) {
  const app = Fastify();
  const seen: string[] = [];
  const audit: AuditInput[] = [];
  mailRoutes(app, {
    repos: store.repos,
    store: { appendAudit: async (entry: AuditInput) => { audit.push(entry); } } as unknown as Store,
    now: () => 1234,
    requireRole: headerRoleGuard(seen, 'kato'),
  });
  await app.ready();
  return { app, seen, audit };
}

const auditor = { 'x-test-role': 'auditor' };
const sha = 'cd'.repeat(32);

describe('/api/mail', () => {
  let store: SqliteStore | undefined;
  afterEach(async () => store?.close());

  it('searches by keyword for auditors and refuses anonymous callers', async () => {
    store = await storeWithMails([
      mailEvent(1, { subject: '社外秘 設計図', bodyExcerpt: '図面を送ります', attachments: [{ fileName: '図面.dwg', contentType: 'application/acad', sizeBytes: 10, sha256: sha, inline: false }] }),
      mailEvent(2, { subject: 'lunch' }),
    ]);
    const { app, seen, audit } = await appWith(store);
    expect((await app.inject({ url: '/api/mail/messages?q=社外秘' })).statusCode).toBe(401);
    const ok = await app.inject({ url: `/api/mail/messages?q=${encodeURIComponent('社外秘')}&attachments=true`, headers: auditor });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().messages).toMatchObject([{ subject: '社外秘 設計図', attachments: [{ fileName: '図面.dwg', sha256: sha }] }]);
    // the body is searched but only shown (and audited) when one mail is opened
    expect(ok.json().messages[0].bodyExcerpt).toBeUndefined();
    expect((await app.inject({ url: `/api/mail/messages?q=${encodeURIComponent('図面を送')}`, headers: auditor })).json().messages).toHaveLength(1);
    expect(audit).toEqual([]);
    const id = ok.json().messages[0].id as number;
    const opened = (await app.inject({ url: `/api/mail/messages/${id}`, headers: auditor })).json().message;
    expect(opened).toMatchObject({ subject: '社外秘 設計図', bodyExcerpt: '図面を送ります' });
    expect(audit).toEqual([{ timeMs: 1234, actor: 'kato', action: 'mail.open', entry: { eventId: opened.eventId, pc: 'PC-ACCT-07', agentId: 'agent-1', seq: 1 } }]);
    expect((await app.inject({ url: '/api/mail/messages/999', headers: auditor })).statusCode).toBe(404);
    expect((await app.inject({ url: `/api/mail/attachments?sha256=${sha}`, headers: auditor })).json().sightings).toHaveLength(1);
    expect(seen.every((role) => role === 'auditor')).toBe(true);
  });

  it('answers 400 with a reason for bad parameters and too-short terms', async () => {
    store = await storeWithMails([mailEvent(1, {})]);
    const { app } = await appWith(store);
    const short = await app.inject({ url: '/api/mail/messages?q=a', headers: auditor });
    expect(short.statusCode).toBe(400);
    expect(short.json()).toMatchObject({ error: 'COLLECTOR_QUERY_INVALID', message: expect.stringMatching(/q: "a" is too short/) });
    expect((await app.inject({ url: '/api/mail/messages?verdict=lost&limit=0', headers: auditor })).json().message).toMatch(/verdict.*limit|limit.*verdict/);
    expect((await app.inject({ url: '/api/mail/attachments?sha256=xyz', headers: auditor })).statusCode).toBe(400);
  });
});
