import { afterEach, describe, expect, it } from 'vitest';
import type { Language } from '../i18n/language.ts';
import { SwitchableMailTransport } from '../notify/switchable-transport.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { SettingsService, SettingsUpdateSchema, collectorTimeZone } from './settings-service.ts';

const opened: SqliteStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

function service(store: SqliteStore, seen: { languageOf?: (to: string) => Language; timeZone?: string }) {
  const smtp = { host: '127.0.0.1', port: 25, secure: false, from: 'mamori@corp.example' };
  return new SettingsService({
    repo: store.repos.settings, store, transport: new SwitchableMailTransport(smtp), configSmtp: smtp, configPublicUrl: undefined,
    defaultPublicUrl: () => 'http://localhost:8443', onPublicUrl: () => undefined, now: () => 1_000,
    onReaders: (readers) => Object.assign(seen, readers),
  });
}

describe('organisation time zone and mail language settings', () => {
  it('defaults to the collector zone and English, then applies, keeps and audits what an admin sets', async () => {
    const store = new SqliteStore(':memory:');
    opened.push(store);
    const seen: { languageOf?: (to: string) => Language; timeZone?: string } = {};
    const settings = service(store, seen);
    await settings.load();
    expect(seen.timeZone).toBe(collectorTimeZone());
    expect(seen.languageOf!('sato@corp.example')).toBe('en');

    const update = SettingsUpdateSchema.parse({ timeZone: 'Asia/Tokyo', mailLanguage: { default: 'ja', recipients: { 'Smith@Corp.example': 'en' } } });
    const view = await settings.update(update, 'admin');
    expect(view.timeZone).toEqual({ value: 'Asia/Tokyo', source: 'console' });
    expect(seen.timeZone).toBe('Asia/Tokyo');
    expect(seen.languageOf!('sato@corp.example')).toBe('ja');
    expect(seen.languageOf!('SMITH@corp.example')).toBe('en');
    expect((await store.listAudit(1))[0]).toMatchObject({ action: 'settings.update' });

    // A restart reads them back.
    const again: typeof seen = {};
    await service(store, again).load();
    expect(again.timeZone).toBe('Asia/Tokyo');
    expect(again.languageOf!('smith@corp.example')).toBe('en');
  });

  it('refuses a time zone that is not an IANA name and a language it cannot write', () => {
    expect(SettingsUpdateSchema.safeParse({ timeZone: 'Tokyo/Standard' }).success).toBe(false);
    expect(SettingsUpdateSchema.safeParse({ mailLanguage: { default: 'fr', recipients: {} } }).success).toBe(false);
    expect(SettingsUpdateSchema.safeParse({ mailLanguage: { default: 'ja', recipients: { 'not-an-address': 'ja' } } }).success).toBe(false);
  });
});
