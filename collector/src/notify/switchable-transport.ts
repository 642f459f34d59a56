import { SmtpMailTransport, type MailTransport, type OutgoingMail, type SmtpSettings } from './mail-transport.ts';

/**
 * The alert mail transport whose SMTP server an admin can change from the console without a restart: the outbox
 * keeps one transport object, and `use()` swaps the SMTP connection pool behind it (mail in flight on the old pool
 * finishes or fails there, and the outbox retries a failure on the new one).
 */
export class SwitchableMailTransport implements MailTransport {
  #current: SmtpMailTransport;
  #settings: SmtpSettings;

  constructor(settings: SmtpSettings) {
    this.#settings = settings;
    this.#current = new SmtpMailTransport(settings);
  }

  get settings(): SmtpSettings {
    return this.#settings;
  }

  use(settings: SmtpSettings): void {
    const old = this.#current;
    this.#settings = settings;
    this.#current = new SmtpMailTransport(settings);
    old.close();
  }

  send(mail: OutgoingMail): Promise<{ response: string }> {
    return this.#current.send(mail);
  }

  close(): void {
    this.#current.close();
  }
}
