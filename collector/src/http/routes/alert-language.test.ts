import { afterEach, describe, expect, it } from 'vitest';
import { RuleEngine } from '../../alerts/rule-engine.ts';
import { engineEvent, policyFrom } from '../../alerts/test-support.ts';
import { alertTitle } from '../../i18n/alert-title.ts';
import { consoleTestServer, day, type ConsoleTestServer } from './console-test-support.ts';
import { displaySettings } from '../../api/index.ts';
import { expectContract } from './api-contract-test-support.ts';

let server: ConsoleTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const rules = `
alerts:
  rules:
    - id: mail_attachment_external
      name: Mail attachment to an external domain
      severity: high
      match: { kind: mail }
`;

describe('alert titles in the reader language', () => {
  it('renders one stored alert in Japanese or English as the console asks (Accept-Language), never exposing the stored message', async () => {
    server = await consoleTestServer();
    const engine = new RuleEngine(policyFrom(rules));
    const candidates = engine.evaluate(engineEvent('mail', { to: ['a@x.example', 'b@x.example', 'c@x.example'], attachments: [{ fileName: '名簿.xlsx' }] }, day));
    const [stored] = await server.store.repos.alerts.record(candidates, day);
    const headers = await server.as('auditor');
    const inJapanese = (await server.app.inject({ url: '/api/alerts', headers: { ...headers, 'accept-language': 'ja' } })).json();
    expect(inJapanese.alerts[0].title).toBe('外部ドメインへの添付ファイル付きメール: 宛先 a@x.example, b@x.example +1、添付 1 件');
    expect(inJapanese.alerts[0]).not.toHaveProperty('titleMessage');
    const inEnglish = (await server.app.inject({ url: `/api/alerts/${stored!.id}`, headers: { ...headers, 'accept-language': 'en-GB,en;q=0.8' } })).json();
    expect(inEnglish.alert.title).toBe('Mail attachment to an external domain: to a@x.example, b@x.example +1, 1 attachment');
    // The stored English title (search, exports) is the same text as the English rendering.
    expect(stored!.title).toBe(inEnglish.alert.title);
  });

  it('keeps an alert stored before titles were data readable in every language (its English title)', async () => {
    server = await consoleTestServer();
    await server.store.repos.alerts.record([{
      ruleId: 'old', ruleName: 'Old rule', kind: 'file_copy', severity: 'high', color: '#f57c00', pc: 'PC-1', user: 'u', agentId: 'a',
      title: 'Old rule: a.xlsx → /media/usb', firstMs: day, lastMs: day, count: 1, eventIds: [], foldWindowMs: 60_000,
    }], day);
    const headers = await server.as('auditor');
    const listed = (await server.app.inject({ url: '/api/alerts', headers: { ...headers, 'accept-language': 'ja' } })).json();
    expect(listed.alerts[0].title).toBe('Old rule: a.xlsx → /media/usb');
  });

  it('tells every signed-in role the organisation time zone', async () => {
    server = await consoleTestServer();
    expect((await server.app.inject({ url: '/api/display' })).statusCode).toBe(401);
    const display = expectContract(displaySettings, (await server.app.inject({ url: '/api/display', headers: await server.as('auditor') })).json());
    expect(display).toEqual({ timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone });
  });
});

describe('English rendering matches the stored English title', () => {
  it('for an integrity finding and a threshold alert, so exports (stored title) and the console (rendered) agree', () => {
    const engine = new RuleEngine(policyFrom(`
alerts:
  rules:
    - id: bulk
      name: Bulk copy to USB
      severity: high
      match: { kind: file_copy }
      threshold: { more_than: 1, window: 10m, per: [pc] }
`));
    const integrity = engine.integrity({ kind: 'chain_break', agentId: 'a', pc: 'PC-1', detail: 'hash mismatch at seq 9', timeMs: day } as never);
    const threshold = [1, 2].flatMap((i) => engine.evaluate(engineEvent('file_copy', { destinationPath: `/media/usb/${i}.txt`, destinationRoot: '/media/usb' }, day + i)));
    for (const candidate of [integrity, ...threshold]) {
      expect(alertTitle({ title: candidate.title, titleMessage: JSON.stringify(candidate.titleMessage) }, 'en')).toBe(candidate.title);
    }
    expect(alertTitle({ title: integrity.title, titleMessage: JSON.stringify(integrity.titleMessage) }, 'ja')).toBe('完全性の検出（Chain break）: hash mismatch at seq 9');
    expect(alertTitle({ title: threshold[0]!.title, titleMessage: JSON.stringify(threshold[0]!.titleMessage) }, 'ja')).toBe('USB への大量コピー: 10分 で 2 ファイル');
  });
});
