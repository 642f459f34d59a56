import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { CollectorError } from '../errors.ts';
import { languages, type Language } from '../i18n/language.ts';
import { SmtpMailTransport, type SmtpSettings } from '../notify/mail-transport.ts';
import type { SwitchableMailTransport } from '../notify/switchable-transport.ts';
import type { SettingsRepository, StoredSetting } from '../store/repositories/settings.ts';
import type { Store } from '../store/store.ts';
import { SettingsSecrets } from './settings-secrets.ts';

/** What an admin may change from the console; every field optional (absent = keep). */
export const SettingsUpdateSchema = z.object({
  smtp: z.object({
    host: z.string().trim().min(1).max(253),
    port: z.number().int().min(1).max(65535),
    secure: z.boolean(),
    from: z.string().trim().min(3).max(320),
    user: z.string().max(320).optional(),
    /** Absent: keep the stored password; '' clears it. */
    password: z.string().max(1_000).optional(),
  }).strict().optional(),
  publicUrl: z.string().trim().url().max(2_000).refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://').optional(),
  /** The organisation's time zone (IANA name): every time in the console, the CLI and alert mail is shown in it. */
  timeZone: z.string().trim().min(1).max(64).refine(isTimeZone, 'must be an IANA time zone such as Asia/Tokyo').optional(),
  /** The language alert mail is written in: a default, and per recipient address. */
  mailLanguage: z.object({
    default: z.enum(languages),
    recipients: z.record(z.string().trim().toLowerCase().email().max(320), z.enum(languages)),
  }).strict().optional(),
}).strict();

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function sameSmtp(a: SmtpSettings, b: SmtpSettings): boolean {
  return a.host === b.host && a.port === b.port && a.secure === b.secure && a.from === b.from && a.user === b.user && a.password === b.password;
}

/** The zone this collector's process runs in (the organisation's zone until an admin sets one). */
export const collectorTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export interface MailLanguageSettings {
  default: Language;
  recipients: Record<string, Language>;
}
export type SettingsUpdate = z.infer<typeof SettingsUpdateSchema>;

/** Settings as the console shows them (the password never leaves the collector). */
export interface SettingsView {
  smtp: Omit<SmtpSettings, 'password'> & { passwordSet: boolean; source: 'console' | 'config' };
  publicUrl: { value: string; source: 'console' | 'config' | 'default' };
  timeZone: { value: string; source: 'console' | 'default' };
  mailLanguage: MailLanguageSettings;
  updated: { key: string; updatedMs: number; updatedBy: string }[];
}

/**
 * Collector settings an admin changes from the console: the alert SMTP server and the console's public URL (used
 * in mail links). Stored values override the config file and apply at once (the outbox's transport is swapped).
 */
export class SettingsService {
  #smtpOverride: SmtpSettings | undefined;
  #publicUrlOverride: string | undefined;
  #timeZoneOverride: string | undefined;
  #mailLanguage: MailLanguageSettings = { default: 'en', recipients: {} };

  constructor(private readonly deps: {
    repo: SettingsRepository; store: Store; transport: SwitchableMailTransport; configSmtp: SmtpSettings;
    /** Seals the SMTP password before it is stored and opens it when read (settings-secrets.ts). */
    secrets: SettingsSecrets;
    /** Told of a stored secret that cannot be opened (default: stderr); the setting then counts as unset. */
    onProblem?: (message: string) => void;
    /** The URL the collector derived from its config or listen address. */
    defaultPublicUrl: () => string; configPublicUrl: string | undefined;
    /** Tells mail composition (alerts, reports) the URL to link to. */
    onPublicUrl: (url: string) => void; now: () => number;
    /** Tells the notifier how recipients read mail (language, organisation time zone). */
    onReaders?: (readers: { languageOf: (recipient: string) => Language; timeZone: string }) => void;
  }) {}

  #reading: Promise<void> = Promise.resolve();

  /**
   * Reads stored settings and applies them: at start (after listen knows the default URL), and again whenever any
   * collector on the database stores a setting (the change feed's 'setting'), so an SMTP server or mail language
   * changed through another collector's console applies here too without a restart. Reads run one at a time, so
   * the last one applies what was committed last.
   */
  load(): Promise<void> {
    const read = this.#reading.then(() => this.#read());
    this.#reading = read.catch(() => undefined);
    return read;
  }

  async #read(): Promise<void> {
    for (const setting of await this.deps.repo.all()) {
      if (setting.key === 'smtp') this.#smtpOverride = await this.#openSmtp(setting);
      if (setting.key === 'publicUrl' && typeof setting.value === 'string') this.#publicUrlOverride = setting.value;
      if (setting.key === 'timeZone' && typeof setting.value === 'string' && isTimeZone(setting.value)) this.#timeZoneOverride = setting.value;
      if (setting.key === 'mailLanguage') {
        const parsed = SettingsUpdateSchema.shape.mailLanguage.safeParse(setting.value);
        if (parsed.success && parsed.data) this.#mailLanguage = parsed.data;
      }
    }
    this.#tellReaders();
    // The SMTP pool is replaced only when the server settings differ: a reload for another setting keeps connections.
    if (this.#smtpOverride && !sameSmtp(this.#smtpOverride, this.deps.transport.settings)) this.deps.transport.use(this.#smtpOverride);
    if (this.#publicUrlOverride) this.deps.onPublicUrl(this.#publicUrlOverride);
  }

  /**
   * The stored SMTP settings with the password opened. A password stored in the clear (by a collector before
   * sealing existed) is sealed in place, keeping who set it and when.
   */
  async #openSmtp(setting: StoredSetting): Promise<SmtpSettings> {
    const stored = setting.value as SmtpSettings;
    if (!stored.password) return stored;
    if (!SettingsSecrets.isSealed(stored.password)) {
      await this.deps.repo.put('smtp', { ...stored, password: this.deps.secrets.seal(stored.password) }, setting.updatedBy, setting.updatedMs);
      return stored;
    }
    try {
      return { ...stored, password: this.deps.secrets.open(stored.password, 'the SMTP password') };
    } catch (error) {
      (this.deps.onProblem ?? ((message) => process.stderr.write(`mamori-collector: ${message}\n`)))((error as Error).message);
      const { password: _unreadable, ...rest } = stored;
      return rest;
    }
  }

  get smtp(): SmtpSettings {
    return this.#smtpOverride ?? this.deps.configSmtp;
  }

  /** The organisation's time zone: the console's choice, else the collector's own. */
  get timeZone(): string {
    return this.#timeZoneOverride ?? collectorTimeZone();
  }

  /** The language a recipient reads alert mail in. */
  languageOf(recipient: string): Language {
    return this.#mailLanguage.recipients[recipient.toLowerCase()] ?? this.#mailLanguage.default;
  }

  #tellReaders(): void {
    this.deps.onReaders?.({ languageOf: (recipient) => this.languageOf(recipient), timeZone: this.timeZone });
  }

  get publicUrl(): string {
    return this.#publicUrlOverride ?? this.deps.configPublicUrl ?? this.deps.defaultPublicUrl();
  }

  async view(): Promise<SettingsView> {
    const { password, ...smtp } = this.smtp;
    return {
      smtp: { ...smtp, passwordSet: Boolean(password), source: this.#smtpOverride ? 'console' : 'config' },
      publicUrl: { value: this.publicUrl, source: this.#publicUrlOverride ? 'console' : this.deps.configPublicUrl ? 'config' : 'default' },
      timeZone: { value: this.timeZone, source: this.#timeZoneOverride ? 'console' : 'default' },
      mailLanguage: this.#mailLanguage,
      updated: (await this.deps.repo.all()).map(({ key, updatedMs, updatedBy }) => ({ key, updatedMs, updatedBy })),
    };
  }

  async update(update: SettingsUpdate, actor: string): Promise<SettingsView> {
    const nowMs = this.deps.now();
    if (update.smtp) {
      const { password, ...rest } = update.smtp;
      const next: SmtpSettings = { ...rest, password: password ?? this.smtp.password };
      await this.deps.repo.put('smtp', { ...next, password: next.password ? this.deps.secrets.seal(next.password) : undefined }, actor, nowMs);
      this.#smtpOverride = next;
      this.deps.transport.use(next);
    }
    if (update.publicUrl) {
      await this.deps.repo.put('publicUrl', update.publicUrl, actor, nowMs);
      this.#publicUrlOverride = update.publicUrl;
      this.deps.onPublicUrl(update.publicUrl);
    }
    if (update.timeZone) {
      await this.deps.repo.put('timeZone', update.timeZone, actor, nowMs);
      this.#timeZoneOverride = update.timeZone;
    }
    if (update.mailLanguage) {
      await this.deps.repo.put('mailLanguage', update.mailLanguage, actor, nowMs);
      this.#mailLanguage = update.mailLanguage;
    }
    if (update.timeZone || update.mailLanguage) this.#tellReaders();
    // The audit entry names what changed, never the SMTP password.
    await this.deps.store.appendAudit({
      timeMs: nowMs, actor, action: 'settings.update',
      entry: { ...(update.smtp ? { smtp: { ...update.smtp, password: update.smtp.password === undefined ? 'unchanged' : 'changed' } } : {}), ...(update.publicUrl ? { publicUrl: update.publicUrl } : {}),
        ...(update.timeZone ? { timeZone: update.timeZone } : {}), ...(update.mailLanguage ? { mailLanguage: update.mailLanguage } : {}) },
    });
    return this.view();
  }

  /**
   * Sends one mail now through the current SMTP settings (not the outbox: the admin wants the server's answer
   * while looking). Resolves with the server's acceptance line; throws COLLECTOR_MAIL_TEST_FAILED with its error.
   */
  async sendTestMail(to: string, actor: string): Promise<{ response: string; server: string }> {
    const settings = this.smtp;
    const transport = new SmtpMailTransport(settings, 15_000);
    const server = `${settings.host}:${settings.port}`;
    try {
      const { response } = await transport.send({
        to, subject: 'Mamori: test mail / テストメール',
        text: `This is a test mail from the Mamori collector (${this.publicUrl}), sent by ${actor} through ${server}.\n` +
          `Mamori コレクター（${this.publicUrl}）からのテストメールです。送信者: ${actor}、SMTP サーバー: ${server}。\n`,
        messageId: `<test-${randomBytes(8).toString('hex')}@mamori>`,
      });
      await this.deps.store.appendAudit({ timeMs: this.deps.now(), actor, action: 'settings.test_mail', entry: { to, server, ok: true } });
      return { response, server };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await this.deps.store.appendAudit({ timeMs: this.deps.now(), actor, action: 'settings.test_mail', entry: { to, server, ok: false, error: reason } });
      throw new CollectorError('COLLECTOR_MAIL_TEST_FAILED', `${server}: ${reason}`);
    } finally {
      transport.close();
    }
  }
}
