import type { MailEvent } from '@mamori/proto';
import type { Emit, Sensor, SensorStatus } from '../../common/sensor.ts';

/** A mail sensor without SMTP: tests and other features' end-to-end tests make it "send" mails. */
export class FakeMailSensor implements Sensor {
  readonly name = 'mail' as const;
  #emit: Emit | undefined;
  #status: SensorStatus = { state: 'stopped', detail: 'fake, not started' };

  async start(emit: Emit, signal: AbortSignal): Promise<SensorStatus> {
    this.#emit = emit;
    this.#status = { state: 'running', detail: 'fake mail sensor' };
    signal.addEventListener('abort', () => {
      this.#emit = undefined;
      this.#status = { state: 'stopped', detail: 'stopped' };
    }, { once: true });
    return this.#status;
  }

  status(): SensorStatus {
    return this.#status;
  }

  /** Emits one sent mail (defaults filled in); returns its sequence number. */
  send(mail: Partial<MailEvent> & { subject: string }, user = 'alice'): number {
    if (!this.#emit) throw new Error('FakeMailSensor is not started');
    return this.#emit({
      user,
      mail: {
        messageId: `<fake-${Date.now()}@example.co.jp>`, from: `${user}@example.co.jp`, to: ['someone@example.co.jp'], cc: [], bcc: [],
        sizeBytes: 1000, bodyExcerpt: '', attachments: [], verdict: 'relayed', rule: '', malformed: false,
        upstreamResponse: '250 2.0.0 Ok', ...mail,
      },
    });
  }
}
