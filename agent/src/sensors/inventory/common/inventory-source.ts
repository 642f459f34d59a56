import type { InventorySnapshot } from '@mamori/proto';

/** Where a snapshot of the PC's hardware, OS, disks, network and software comes from. */
export interface InventorySource {
  /** Collects one snapshot; fields the OS does not expose are left empty. */
  collect(): Promise<InventorySnapshot>;
}
