import type { AccessRequest } from '@mamori/collector/api';

/** "SanDisk Ultra (0781:5581, SN123)": what the stick reported, as plain text (it came from the PC). */
export function deviceLabel(device: AccessRequest['device']): string {
  const name = [device.vendor, device.product].filter(Boolean).join(' ');
  const ids = [[device.vendorId, device.productId].filter(Boolean).join(':'), device.serial].filter(Boolean).join(', ');
  return [name, ids ? `(${ids})` : ''].filter(Boolean).join(' ') || '—';
}

/** What a request is about: the stick, or for an upload request the site and its category, then the file names. */
export function subjectLabel(request: AccessRequest, t: (key: 'requests.uploadTo', values: Record<string, string>) => string): string {
  if (!request.upload) return deviceLabel(request.device);
  const files = request.upload.fileNames.length > 0 ? `: ${request.upload.fileNames.join(', ')}` : '';
  return `${t('requests.uploadTo', { host: request.upload.host, category: request.upload.category })}${files}`;
}
