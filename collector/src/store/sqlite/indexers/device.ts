import { hashValue } from '../hash-column.ts';
import type { EventIndexer } from '../indexer.ts';

/** Fills device_events from device events (attach/detach/mount/unmount and BLOCKED/ALLOWED/READ_ONLY decisions). */
export const deviceIndexer: EventIndexer = {
  kind: 'device',
  prepare(db) {
    const insert = db.prepare(`INSERT INTO device_events (event_id, agent_id, pc, user, time_ms, action, vendor_id, product_id,
      serial, vendor, product, mount_point, filesystem, size_bytes, label, rule, message)
      VALUES (@eventId, @agentId, @pc, @user, @timeMs, @action, @vendorId, @productId, @serial, @vendor, @product, @mountPoint,
      @filesystem, @sizeBytes, @label, @rule, @message)
      ON CONFLICT DO NOTHING`);
    return (ref, event) => {
      const d = event.device;
      if (!d) return;
      insert.run({
        eventId: ref.eventId, agentId: ref.agentId, pc: ref.pc, user: ref.user, timeMs: ref.timeMs, action: String(d.action),
        vendorId: d.device?.vendorId ?? '', productId: d.device?.productId ?? '', serial: d.device?.serial ?? '',
        vendor: d.device?.vendor ?? '', product: d.device?.product ?? '', mountPoint: d.mountPoint, filesystem: d.filesystem,
        sizeBytes: Number(d.sizeBytes), label: d.label, rule: d.rule, message: d.message,
      });
    };
  },
};

/** Fills file_copies from file_copy events. */
export const fileCopyIndexer: EventIndexer = {
  kind: 'file_copy',
  prepare(db) {
    const insert = db.prepare(`INSERT INTO file_copies (event_id, agent_id, pc, user, time_ms, destination_path, destination_kind,
      destination_root, size_bytes, sha256, source_path, vendor_id, product_id, serial, operation)
      VALUES (@eventId, @agentId, @pc, @user, @timeMs, @destinationPath, @destinationKind, @destinationRoot, @sizeBytes, @sha256,
      @sourcePath, @vendorId, @productId, @serial, @operation)
      ON CONFLICT DO NOTHING`);
    return (ref, event) => {
      const c = event.fileCopy;
      if (!c) return;
      insert.run({
        eventId: ref.eventId, agentId: ref.agentId, pc: ref.pc, user: ref.user, timeMs: ref.timeMs,
        destinationPath: c.destinationPath, destinationKind: c.destinationKind, destinationRoot: c.destinationRoot,
        sizeBytes: Number(c.sizeBytes), sha256: hashValue(c.sha256.toLowerCase()), sourcePath: c.sourcePath,
        vendorId: c.device?.vendorId ?? '', productId: c.device?.productId ?? '', serial: c.device?.serial ?? '', operation: c.operation,
      });
    };
  },
};

export const deviceIndexers: EventIndexer[] = [deviceIndexer, fileCopyIndexer];
