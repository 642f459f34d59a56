/**
 * Whole-file reads into a reused buffer, for the text reader's large files (read whole, scanned synchronously, then
 * done with). `readFile` gives every file fresh memory, and on this project's machines fresh memory is slow: its
 * pages are faulted in as they are written (number-set.ts measured 23–28 ms against 2 ms for the same work in
 * memory already touched), and each 10 MB of external memory brings V8's full collections nearer, which in the bench
 * paused a 35 ms inspection for 60 ms more. A buffer taken here is the caller's alone until it gives it back, so
 * inspections running side by side each read into their own.
 *
 * OS interface: reads files with Node's fs, never following a link. Privileges: read access to the file.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** Buffers kept for the next read: one, of at most this size (an agent keeps this much after a large file). */
const keptBytes = 16 * 1024 * 1024;
let spare: Buffer | undefined;

/** A file's bytes as a view of a pooled buffer; `release` hands the buffer back once the bytes are no longer used. */
export interface PooledBytes {
  bytes: Uint8Array;
  release(): void;
}

/** Reads `file` to its end (however long it is by then; `sizeHint` is what stat said) into a pooled buffer. */
export async function readPooled(file: string, sizeHint: number): Promise<PooledBytes> {
  let buffer = spare && spare.length >= sizeHint + 1 ? spare : Buffer.allocUnsafe(Math.max(sizeHint + 1, 65_536));
  if (buffer === spare) spare = undefined;
  const handle = await open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  let filled = 0;
  try {
    for (;;) {
      // One byte more than stat said is asked for, so the end of the file is seen without growing.
      if (filled === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, filled);
        buffer = bigger;
      }
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
  } catch (error) {
    giveBack(buffer);
    throw error;
  } finally {
    await handle.close();
  }
  const held = buffer;
  let released = false;
  return {
    bytes: held.subarray(0, filled),
    release: () => {
      if (released) return;
      released = true;
      giveBack(held);
    },
  };
}

function giveBack(buffer: Buffer): void {
  if (buffer.length > keptBytes) return;
  if (!spare || spare.length < buffer.length) spare = buffer;
}
