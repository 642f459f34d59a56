import type { FileCopyEvent } from '@mamori/proto';
import { HandDrivenSensor } from '../../common/hand-driven-sensor.ts';

/** A file-copy sensor driven by hand (`copied(...)`), for tests of the rest of the system. */
export class FakeFileCopySensor extends HandDrivenSensor {
  readonly name = 'file-copy' as const;

  /** Emits one file copy as the real sensor would; returns its sequence number. */
  copied(fileCopy: FileCopyEvent, user = 'tester'): number {
    return this.emitNow({ user, fileCopy: { operation: 'created', destinationKind: 'removable', ...fileCopy } });
  }
}
