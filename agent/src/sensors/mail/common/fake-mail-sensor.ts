import type { MailEvent } from '@mamori/proto';
import { HandDrivenSensor } from '../../common/hand-driven-sensor.ts';

/** A mail sensor without SMTP: tests and other features' end-to-end tests make it "send" mails. */
export class FakeMailSensor extends HandDrivenSensor {
  readonly name = 'mail' as const;

  /** Emits one sent mail (defaults filled in); returns its sequence number. */
  send(mail: Partial<MailEvent> & { subject: string }, user = 'alice'): number {
    return this.emitNow({
      user,
      mail: {
        messageId: `<fake-${Date.now()}@example.co.jp>`, from: `${user}@example.co.jp`, to: ['someone@example.co.jp'], cc: [], bcc: [],
        sizeBytes: 1000, bodyExcerpt: '', attachments: [], verdict: 'relayed', rule: '', malformed: false,
        upstreamResponse: '250 2.0.0 Ok', ...mail,
      },
    });
  }
}
