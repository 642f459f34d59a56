import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Language } from '../i18n/language.ts';
import { SwitchableMailTransport } from '../notify/switchable-transport.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { SettingsSecrets } from './settings-secrets.ts';
import { SettingsService, SettingsUpdateSchema, collectorTimeZone } from './settings-service.ts';

const evidenceKey = generateKeyPairSync('ed25519');

const opened: SqliteStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

function service(store: SqliteStore, seen: { languageOf?: (to: string) => Language; timeZone?: string },
  options: { secrets?: SettingsSecrets; transport?: SwitchableMailTransport; problems?: string[] } = {}) {
  const smtp = { host: '127.0.0.1', port: 25, secure: false, from: 'mamori@corp.example' };
  return new SettingsService({
    repo: store.repos.settings, store, transport: options.transport ?? new SwitchableMailTransport(smtp), configSmtp: smtp, configPublicUrl: undefined,
    secrets: options.secrets ?? new SettingsSecrets(evidenceKey), onProblem: (message) => options.problems?.push(message),
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

describe('the SMTP password at rest', () => {
  const smtp = { host: 'smtp.corp.example', port: 587, secure: false, from: 'alerts@corp.example', user: 'mamori', password: 'パスワード-s3cret' };
  const storedSmtp = async (store: SqliteStore) => (await store.repos.settings.all()).find((s) => s.key === 'smtp')!;

  it('is stored sealed, never in the clear, and read back by a restart with the same evidence key', async () => {
    const store = new SqliteStore(':memory:');
    opened.push(store);
    await service(store, {}).update(SettingsUpdateSchema.parse({ smtp }), 'admin');
    const stored = await storedSmtp(store);
    expect(JSON.stringify(stored.value)).not.toContain('s3cret');
    expect((stored.value as { password: string }).password).toMatch(/^mamori-secret-v1:/);

    const transport = new SwitchableMailTransport({ host: '127.0.0.1', port: 25, secure: false, from: 'x@y' });
    const restarted = service(store, {}, { transport });
    await restarted.load();
    expect(transport.settings).toMatchObject({ host: 'smtp.corp.example', user: 'mamori', password: smtp.password });
    expect((await restarted.view()).smtp.passwordSet).toBe(true);
    // Changing the server without retyping the password keeps it (sealed again, with a fresh IV).
    await restarted.update(SettingsUpdateSchema.parse({ smtp: { ...smtp, password: undefined, port: 465, secure: true } }), 'admin');
    const again = await storedSmtp(store);
    expect((again.value as { password: string }).password).not.toBe((stored.value as { password: string }).password);
    const third = new SwitchableMailTransport({ host: '127.0.0.1', port: 25, secure: false, from: 'x@y' });
    await service(store, {}, { transport: third }).load();
    expect(third.settings).toMatchObject({ port: 465, password: smtp.password });
  });

  it('seals a password an older collector stored in the clear, keeping who set it and when', async () => {
    const store = new SqliteStore(':memory:');
    opened.push(store);
    await store.repos.settings.put('smtp', smtp, 'sato', 1_234);
    const transport = new SwitchableMailTransport({ host: '127.0.0.1', port: 25, secure: false, from: 'x@y' });
    await service(store, {}, { transport }).load();
    expect(transport.settings.password).toBe(smtp.password);
    const stored = await storedSmtp(store);
    expect(JSON.stringify(stored.value)).not.toContain('s3cret');
    expect(stored).toMatchObject({ updatedBy: 'sato', updatedMs: 1_234 });
  });

  it('never uses a password sealed under another key or altered in the database, and says so', async () => {
    const store = new SqliteStore(':memory:');
    opened.push(store);
    await service(store, {}, { secrets: new SettingsSecrets(generateKeyPairSync('ed25519')) }).update(SettingsUpdateSchema.parse({ smtp }), 'admin');
    const problems: string[] = [];
    const transport = new SwitchableMailTransport({ host: '127.0.0.1', port: 25, secure: false, from: 'x@y' });
    const other = service(store, {}, { transport, problems });
    await other.load();
    expect(transport.settings.host).toBe('smtp.corp.example');
    expect(transport.settings.password).toBeUndefined();
    expect((await other.view()).smtp.passwordSet).toBe(false);
    expect(problems.join('\n')).toMatch(/SMTP password: sealed under another evidence-signing.key or altered/);

    // One character of the sealed value changed: refused the same way.
    const secrets = new SettingsSecrets(evidenceKey);
    const sealed = secrets.seal('s3cret');
    const flipped = sealed.slice(0, -4) + (sealed.at(-4) === 'A' ? 'B' : 'A') + sealed.slice(-3);
    expect(() => secrets.open(flipped, 'the SMTP password')).toThrow(/altered/);
    expect(secrets.open(sealed, 'the SMTP password')).toBe('s3cret');
  });
});
