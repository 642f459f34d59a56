import { describe, expect, it } from 'vitest';
import { parsePolicySources } from '../load.ts';

describe('file_copy and device policy sections', () => {
  it('fills defaults for file_copy when the section is absent', () => {
    const set = parsePolicySources([]);
    expect(set.file_copy.removable).toBe(true);
    expect(set.file_copy.source_folders).toContain('~/Documents');
    expect(set.file_copy.exits.map((e) => e.kind)).toContain('cloud_sync');
  });

  it('names the line of a bad exit kind', () => {
    const text = 'file_copy:\n  exits:\n    - name: x\n      kind: usb\n      path: /x\n';
    expect(() => parsePolicySources([{ name: 'f.yaml', text }])).toThrow(/f\.yaml:4:\d+: file_copy\.exits\.0\.kind/);
  });

  it('refuses a product_id without vendor_id in the allow-list', () => {
    const text = 'device:\n  allow:\n    - { name: x, serial: S1, product_id: "5581" }\n';
    expect(() => parsePolicySources([{ name: 'd.yaml', text }])).toThrow(/device\.allow\.0\.product_id: product_id needs a vendor_id/);
  });
});
