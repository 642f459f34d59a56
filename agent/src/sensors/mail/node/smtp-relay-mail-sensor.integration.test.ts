import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { effectivePolicyFor, parsePolicySources } from '@mamori/policies';
import { AgentConfigSchema } from '../../../config/schema.ts';
import type { EventDraft } from '../../../core/event-draft.ts';
import { PolicyHolder } from '../../../core/policy-holder.ts';
import { FakeMailSensor } from '../common/fake-mail-sensor.ts';
import { MountHub } from '../../../core/removable-media/mount-hub.ts';
import { createMailSensor } from '../create-mail-sensor.ts';
import { SmtpPeer } from './testing/smtp-peer.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function context(mail: unknown, policy = new PolicyHolder()) {
  return { config: AgentConfigSchema.parse({ stateDir: '/tmp/x', sensors: { mail } }), policy, currentUser: () => 'alice', mounts: new MountHub() };
}

describe('mail sensor', () => {
  it('reports degraded, not crashed, without an upstream or when the port is taken', async () => {
    const none = await createMailSensor(context({}));
    expect(await none.start(() => 0, new AbortController().signal)).toMatchObject({ state: 'degraded', detail: expect.stringMatching(/no upstream/) });

    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => blocker.close(() => resolve())));
    const port = (blocker.address() as { port: number }).port;
    const taken = await createMailSensor(context({ listen: { port }, upstream: { host: '127.0.0.1', security: 'none' } }));
    expect(await taken.start(() => 0, new AbortController().signal)).toMatchObject({ state: 'degraded', detail: expect.stringMatching(/cannot listen/) });
  });

  it('refuses a bad configuration with the field named, when the agent config is read (before any sensor is made)', () => {
    const parsed = AgentConfigSchema.safeParse({ stateDir: '/tmp/x', sensors: { mail: { upstream: { host: 'smtp.example.co.jp', security: 'ssl' } } } });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path.join('.')).toBe('sensors.mail.upstream.security');
  });

  it('relays with the policy the agent holds now, and stops on abort', async () => {
    const peer = new SmtpPeer();
    await peer.start();
    cleanups.push(() => peer.stop());
    const policies = new PolicyHolder();
    const blockAll = parsePolicySources([{ name: 'm.yaml', text: 'mail:\n  patterns:\n    - { name: secret, keywords: [secret], action: block }\n' }]);
    const relayPort = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const sensor = await createMailSensor(context({
      listen: { port: relayPort }, upstream: { host: '127.0.0.1', port: peer.port, security: 'none', auth: { mode: 'none' } },
    }, policies));
    const events: EventDraft[] = [];
    const abort = new AbortController();
    cleanups.push(() => abort.abort());
    expect(await sensor.start((e) => events.push(e), abort.signal)).toMatchObject({ state: 'running' });

    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: relayPort, secure: false, ignoreTLS: true });
    cleanups.push(() => transport.close());
    const mail = { from: 'alice@example.co.jp', to: 'bob@example.co.jp', subject: 'the secret plan', text: 'hello' };
    await transport.sendMail(mail);
    policies.apply(effectivePolicyFor(blockAll, 'PC-1', 2));
    await expect(transport.sendMail(mail)).rejects.toMatchObject({ responseCode: 550 });
    expect(peer.received).toHaveLength(1);
    // The mail client here is this test process: the relay names the OS user owning its connection (not the console's "alice").
    const me = userInfo().username;
    expect(events.flatMap((e) => (e.mail ? [[e.user, e.mail.verdict, e.mail.userSource]] : []))).toEqual([[me, 'relayed', 'connection_owner'], [me, 'blocked', 'connection_owner']]);
    abort.abort();
    expect(sensor.status().state).toBe('stopped');
  });

  it('has a fake that emits mail events', async () => {
    const fake = new FakeMailSensor();
    const events: EventDraft[] = [];
    await fake.start((e) => events.push(e), new AbortController().signal);
    fake.send({ subject: 'x', attachments: [{ fileName: 'a.pdf', contentType: 'application/pdf', sizeBytes: 1, sha256: '00', inline: false }] });
    expect(events[0]?.mail).toMatchObject({ subject: 'x', verdict: 'relayed' });
  });
});
