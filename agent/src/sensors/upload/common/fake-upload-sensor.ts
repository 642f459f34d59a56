import type { UploadEvent } from '@mamori/proto';
import { HandDrivenSensor } from '../../common/hand-driven-sensor.ts';

/**
 * Stands in for the upload sensor in tests of other parts: `upload()` emits an upload event as if the extension
 * had reported it and the agent had hashed the file.
 */
export class FakeUploadSensor extends HandDrivenSensor {
  readonly name = 'upload' as const;

  /** Emits one upload (defaults filled in); returns its sequence number. */
  upload(upload: Partial<UploadEvent> & { fileName: string }, user = 'alice'): number {
    return this.emitNow({
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
    return this.emitNow({ extensionHealth: { browser: 'chrome', profile, installed, alive, extensionVersion: '0.1.0', lastSeenMs: Date.now() } });
  }
}
