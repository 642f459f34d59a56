import { existsSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { UsbDeviceInfo } from '../../../core/removable-media/usb-device.ts';

/** A USB device directory name: bus-port[.port…] ("1-2", "3-1.4"); not root hubs ("usb1") or interfaces ("1-2:1.0"). */
const DEVICE_NAME = /^\d+-\d+(\.\d+)*$/;

/** Reads one sysfs attribute as untrusted text: trimmed, control characters removed, length capped. */
export function readAttribute(dir: string, name: string): string {
  try {
    // eslint-disable-next-line no-control-regex
    return readFileSync(join(dir, name), 'latin1').trim().replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 256);
  } catch {
    return '';
  }
}

const hex = (text: string, width: number) => (/^[0-9a-fA-F]+$/.test(text) ? text.toLowerCase().padStart(width, '0').slice(-width) : '');

/** Every USB device under <sysRoot>/bus/usb/devices with its identity and interface classes. */
export function readUsbDevices(sysRoot: string): UsbDeviceInfo[] {
  const root = join(sysRoot, 'bus/usb/devices');
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const devices: UsbDeviceInfo[] = [];
  for (const name of names.filter((n) => DEVICE_NAME.test(n)).sort()) {
    const dir = join(root, name);
    const vendorId = hex(readAttribute(dir, 'idVendor'), 4);
    if (!vendorId) continue;
    devices.push({
      vendorId, productId: hex(readAttribute(dir, 'idProduct'), 4), serial: readAttribute(dir, 'serial'),
      vendor: readAttribute(dir, 'manufacturer'), product: readAttribute(dir, 'product'),
      deviceClass: hex(readAttribute(dir, 'bDeviceClass'), 2), interfaceClasses: interfaceClasses(dir, name), busPath: name,
    });
  }
  return devices;
}

function interfaceClasses(dir: string, name: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const classes = entries.filter((e) => e.startsWith(`${name}:`)).sort()
    .map((e) => hex(readAttribute(join(dir, e), 'bInterfaceClass'), 2)).filter((c) => c !== '');
  return [...new Set(classes)];
}

/**
 * The USB device (its bus path, e.g. "1-2") a block device such as "sdb1" sits on, by walking up its sysfs
 * path: /sys/class/block/sdb1 → …/usb1/1-2/1-2:1.0/host6/…/block/sdb/sdb1. Undefined when not on USB.
 */
export function usbBusPathForBlock(sysRoot: string, blockName: string): string | undefined {
  if (!/^[\w.-]+$/.test(blockName)) return undefined;
  for (const candidate of [join(sysRoot, 'class/block', blockName), join(sysRoot, 'block', blockName)]) {
    let path: string;
    try {
      path = realpathSync(candidate);
    } catch {
      continue;
    }
    for (let dir = path; dir !== dirname(dir); dir = dirname(dir)) {
      if (DEVICE_NAME.test(basename(dir)) && existsSync(join(dir, 'idVendor'))) return basename(dir);
    }
  }
  return undefined;
}
