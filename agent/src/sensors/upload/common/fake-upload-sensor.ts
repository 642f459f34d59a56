import type { UploadEvent } from '@mamori/proto';
import type { Emit, Sensor, SensorStatus } from '../../common/sensor.ts';

/**
 * Stands in for the upload sensor in tests of other parts: `upload()` emits an upload event as if the extension
 * had reported it and the agent had hashed the file.
 */
export class FakeUploadSensor implements Sensor {
  readonly name = 'upload' as const;
  #emit: Emit | undefined;
  #status: SensorStatus = { state: 'stopped', detail: 'fake, not started' };

  async start(emit: Emit, signal: AbortSignal): Promise<SensorStatus> {
    this.#emit = emit;
    this.#status = { state: 'running', detail: 'fake upload sensor' };
    signal.addEventListener('abort', () => {
      this.#emit = undefined;
      this.#status = { state: 'stopped', detail: 'stopped' };
    }, { once: true });
    return this.#status;
  }

  status(): SensorStatus {
    return this.#status;
  }

  /** Emits one upload (defaults filled in); returns its sequence number. */
  upload(upload: Partial<UploadEvent> & { fileName: string }, user = 'alice'): number {
    if (!this.#emit) throw new Error('FakeUploadSensor is not started');
    return this.#emit({
      user,
      upload: {
        pageUrl: 'https://www.dropbox.com/home', destinationHost: 'content.dropboxapi.com',
        destinationUrl: 'https://content.dropboxapi.com/2/files/upload', sizeBytes: 0, sha256: '', method: 'input+formdata',
        category: 'personal_cloud', browser: 'chrome', browserProfile: 'fake-profile', localPath: '', ...upload,
      },
    });
  }

  /** Emits an extension health change. */
  health(alive: boolean, profile = 'fake-profile', installed = true): number {
    if (!this.#emit) throw new Error('FakeUploadSensor is not started');
    return this.#emit({ extensionHealth: { browser: 'chrome', profile, installed, alive, extensionVersion: '0.1.0', lastSeenMs: Date.now() } });
  }
}
