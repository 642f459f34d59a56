import type { PolicyService } from '../policy-service.ts';
import type { DeviceControlRepository } from '../store/repositories/device-control.ts';
import type { UploadExceptionsRepository } from '../store/repositories/upload-exceptions.ts';
import type { Store } from '../store/store.ts';

export interface ExceptionPusherOptions {
  store: Pick<Store, 'exceptionsAfter'>;
  deviceControl: Pick<DeviceControlRepository, 'revocationsAfter'>;
  uploadExceptions: Pick<UploadExceptionsRepository, 'changesAfter'>;
  policy: Pick<PolicyService, 'push'>;
}

/**
 * Pushes the effective policy of each PC whose exceptions changed (granted or revoked, by the console, the CLI in
 * another process, or another collector) down its agent's stream. What changed is read by cursor, so a check
 * never misses a row whatever woke it: a timer (SQLite), a NOTIFY, or the catch-up after the LISTEN connection
 * came back (PostgreSQL). Checks run one at a time; a wake-up during a check runs one more check after it.
 */
export class ExceptionPusher {
  readonly #options: ExceptionPusherOptions;
  #exceptionCursor = 0;
  #revocationCursor = 0;
  #uploadCursor = 0;
  #running: Promise<void> | undefined;
  /** A wake-up came during a check: one more check runs after it. */
  #again = false;

  private constructor(options: ExceptionPusherOptions) {
    this.#options = options;
  }

  /** Starts from the rows already stored: those reached their agents when they connected. */
  static async start(options: ExceptionPusherOptions): Promise<ExceptionPusher> {
    const pusher = new ExceptionPusher(options);
    pusher.#exceptionCursor = (await options.store.exceptionsAfter(0)).cursor;
    pusher.#revocationCursor = (await options.deviceControl.revocationsAfter(0)).cursor;
    pusher.#uploadCursor = (await options.uploadExceptions.changesAfter(0)).cursor;
    return pusher;
  }

  /** Looks for changes now; errors (the database busy or closing) are left to the next wake-up. */
  check(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#checkOnce().catch(() => undefined).finally(() => {
      this.#running = undefined;
      const again = this.#again;
      this.#again = false;
      if (again) void this.check();
    });
    return this.#running;
  }

  async #checkOnce(): Promise<void> {
    const granted = await this.#options.store.exceptionsAfter(this.#exceptionCursor);
    const revoked = await this.#options.deviceControl.revocationsAfter(this.#revocationCursor);
    const uploads = await this.#options.uploadExceptions.changesAfter(this.#uploadCursor);
    // Moved only once all three were read, so a failed read leaves every change for the next check.
    this.#exceptionCursor = granted.cursor;
    this.#revocationCursor = revoked.cursor;
    this.#uploadCursor = uploads.cursor;
    await Promise.all([...new Set([...granted.pcs, ...revoked.pcs, ...uploads.pcs])].map((pc) => this.#options.policy.push(pc)));
  }
}
