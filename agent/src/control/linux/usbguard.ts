/** One line of `usbguard list-devices`, e.g.
 * `7: block id 0781:5581 serial "4C53…" name "Ultra" hash "…" parent-hash "…" via-port "1-2" with-interface 08:06:50 …` */
export interface UsbguardDevice {
  id: string;
  target: string;
  vendorProduct: string;
  serial: string;
  viaPort: string;
}

export function parseUsbguardDevices(text: string): UsbguardDevice[] {
  const devices: UsbguardDevice[] = [];
  for (const line of text.split('\n')) {
    const head = /^\s*(\d+):\s+(allow|block|reject)\s+id\s+([0-9a-f]{4}:[0-9a-f]{4})/i.exec(line);
    if (!head) continue;
    devices.push({
      id: head[1]!, target: head[2]!.toLowerCase(), vendorProduct: head[3]!.toLowerCase(),
      serial: quoted(line, 'serial'), viaPort: quoted(line, 'via-port'),
    });
  }
  return devices;
}

function quoted(line: string, attribute: string): string {
  const match = new RegExp(`\\b${attribute} "((?:[^"\\\\]|\\\\.)*)"`).exec(line);
  return match ? match[1]!.replace(/\\(.)/g, '$1') : '';
}
