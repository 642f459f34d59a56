import type { AccessRequest } from '../../api/types.ts';

/** "SanDisk Ultra (0781:5581, SN123)": what the stick reported, as plain text (it came from the PC). */
export function deviceLabel(device: AccessRequest['device']): string {
  const name = [device.vendor, device.product].filter(Boolean).join(' ');
  const ids = [[device.vendorId, device.productId].filter(Boolean).join(':'), device.serial].filter(Boolean).join(', ');
  return [name, ids ? `(${ids})` : ''].filter(Boolean).join(' ') || '—';
}
