import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { CollectorError } from '../errors.ts';
import { SmtpMailTransport, type SmtpSettings } from '../notify/mail-transport.ts';
import type { SwitchableMailTransport } from '../notify/switchable-transport.ts';
import type { SettingsRepository } from '../store/repositories/settings.ts';
import type { Store } from '../store/store.ts';

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
}).strict();
export type SettingsUpdate = z.infer<typeof SettingsUpdateSchema>;

/** Settings as the console shows them (the password never leaves the collector). */
export interface SettingsView {
  smtp: Omit<SmtpSettings, 'password'> & { passwordSet: boolean; source: 'console' | 'config' };
  publicUrl: { value: string; source: 'console' | 'config' | 'default' };
  updated: { key: string; updatedMs: number; updatedBy: string }[];
}

/**
 * Collector settings an admin changes from the console: the alert SMTP server and the console's public URL (used
 * in mail links). Stored values override the config file and apply at once (the outbox's transport is swapped).
 */
export class SettingsService {
  #smtpOverride: SmtpSettings | undefined;
  #publicUrlOverride: string | undefined;

  constructor(private readonly deps: {
    repo: SettingsRepository; store: Store; transport: SwitchableMailTransport; configSmtp: SmtpSettings;
    /** The URL the collector derived from its config or listen address. */
    defaultPublicUrl: () => string; configPublicUrl: string | undefined;
    /** Tells mail composition (alerts, reports) the URL to link to. */
    onPublicUrl: (url: string) => void; now: () => number;
  }) {}

  /** Reads stored settings and applies them; call once at start (after listen knows the default URL). */
  async load(): Promise<void> {
    for (const setting of await this.deps.repo.all()) {
      if (setting.key === 'smtp') this.#smtpOverride = setting.value as SmtpSettings;
      if (setting.key === 'publicUrl' && typeof setting.value === 'string') this.#publicUrlOverride = setting.value;
    }
    if (this.#smtpOverride) this.deps.transport.use(this.#smtpOverride);
    if (this.#publicUrlOverride) this.deps.onPublicUrl(this.#publicUrlOverride);
  }

  get smtp(): SmtpSettings {
    return this.#smtpOverride ?? this.deps.configSmtp;
  }

  get publicUrl(): string {
    return this.#publicUrlOverride ?? this.deps.configPublicUrl ?? this.deps.defaultPublicUrl();
  }

  async view(): Promise<SettingsView> {
    const { password, ...smtp } = this.smtp;
    return {
      smtp: { ...smtp, passwordSet: Boolean(password), source: this.#smtpOverride ? 'console' : 'config' },
      publicUrl: { value: this.publicUrl, source: this.#publicUrlOverride ? 'console' : this.deps.configPublicUrl ? 'config' : 'default' },
      updated: (await this.deps.repo.all()).map(({ key, updatedMs, updatedBy }) => ({ key, updatedMs, updatedBy })),
    };
  }

  async update(update: SettingsUpdate, actor: string): Promise<SettingsView> {
    const nowMs = this.deps.now();
    if (update.smtp) {
      const { password, ...rest } = update.smtp;
      const next: SmtpSettings = { ...rest, password: password ?? this.smtp.password };
      await this.deps.repo.put('smtp', next, actor, nowMs);
      this.#smtpOverride = next;
      this.deps.transport.use(next);
    }
    if (update.publicUrl) {
      await this.deps.repo.put('publicUrl', update.publicUrl, actor, nowMs);
      this.#publicUrlOverride = update.publicUrl;
      this.deps.onPublicUrl(update.publicUrl);
    }
    // The audit entry names what changed, never the SMTP password.
    await this.deps.store.appendAudit({
      timeMs: nowMs, actor, action: 'settings.update',
      entry: { ...(update.smtp ? { smtp: { ...update.smtp, password: update.smtp.password === undefined ? 'unchanged' : 'changed' } } : {}), ...(update.publicUrl ? { publicUrl: update.publicUrl } : {}) },
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
