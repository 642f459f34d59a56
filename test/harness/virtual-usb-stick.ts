import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A "virtual USB stick" for tests on machines without a USB bus: a fake sysfs entry (a temp folder shaped like
 * /sys/bus/usb/devices, /sys/class/block and /sys/block, pointing into a /sys/devices tree as the kernel does)
 * plus a REAL mount standing in for the stick's filesystem: ext4 on a loop device (label readable from its
 * superblock, like a real stick) or tmpfs (fast, for bulk copies). FAT does not mount in this kernel. Needs root.
 */
export interface VirtualStickSpec {
  busPath?: string;
  vendorId?: string;
  productId?: string;
  serial?: string;
  vendor?: string;
  product?: string;
  /** "ext4" (loop device) or "tmpfs". */
  filesystem?: 'ext4' | 'tmpfs';
  sizeMb?: number;
  label?: string;
}

const USB_CONTROLLER = 'devices/pci0000:00/0000:00:14.0/usb1';

/** The fake /sys root; one per test file. */
export class VirtualUsbLab {
  readonly root: string;
  readonly sysRoot: string;
  readonly #sticks = new Set<VirtualUsbStick>();

  constructor() {
    this.root = mkdtempSync(join(tmpdir(), 'mamori-vusb-'));
    this.sysRoot = join(this.root, 'sys');
    for (const dir of ['bus/usb/devices', 'class/block', 'block', USB_CONTROLLER]) mkdirSync(join(this.sysRoot, dir), { recursive: true });
    // The root hub, as on a real machine: listed, but never a storage device.
    const hub = join(this.sysRoot, USB_CONTROLLER);
    writeAttributes(hub, { idVendor: '1d6b', idProduct: '0002', bDeviceClass: '09', product: 'xHCI Host Controller', authorized: '1' });
    symlinkSync(hub, join(this.sysRoot, 'bus/usb/devices/usb1'));
  }

  /** A stick with its identity; call attach() and mount() to plug it in. */
  stick(spec: VirtualStickSpec = {}): VirtualUsbStick {
    const stick = new VirtualUsbStick(this, spec);
    this.#sticks.add(stick);
    return stick;
  }

  /** Unmounts and detaches everything, frees loop devices, removes the tree. */
  dispose(): void {
    for (const stick of this.#sticks) stick.dispose();
    rmSync(this.root, { recursive: true, force: true });
  }
}

export class VirtualUsbStick {
  readonly busPath: string;
  readonly serial: string;
  readonly vendorId: string;
  readonly productId: string;
  readonly filesystem: 'ext4' | 'tmpfs';
  readonly label: string;
  readonly mountPoint: string;
  readonly #lab: VirtualUsbLab;
  readonly #spec: VirtualStickSpec;
  #blockDevice: string | undefined;
  #image: string | undefined;

  constructor(lab: VirtualUsbLab, spec: VirtualStickSpec) {
    this.#lab = lab;
    this.#spec = spec;
    this.busPath = spec.busPath ?? '1-2';
    this.serial = spec.serial ?? '4C530001231120115142';
    this.vendorId = spec.vendorId ?? '0781';
    this.productId = spec.productId ?? '5581';
    this.filesystem = spec.filesystem ?? 'ext4';
    this.label = spec.label ?? 'VSTICK';
    this.mountPoint = join(lab.root, 'media', this.label + '-' + this.busPath);
  }

  /** The device's directory in the fake /sys/devices tree. */
  get deviceDir(): string {
    return join(this.#lab.sysRoot, USB_CONTROLLER, this.busPath);
  }

  /** The block device backing the mount, e.g. /dev/loop3 (ext4) or the tmpfs source name. */
  get blockDevice(): string | undefined {
    return this.#blockDevice;
  }

  /** What the agent wrote to the device's `authorized` file ("1" until it blocks it). */
  authorized(): string {
    return readFileSync(join(this.deviceDir, 'authorized'), 'utf8').trim();
  }

  /** Makes the device appear in sysfs, as the kernel does on plug-in. */
  attach(): this {
    const dir = this.deviceDir;
    writeAttributes(dir, {
      idVendor: this.vendorId, idProduct: this.productId, serial: this.serial, manufacturer: this.#spec.vendor ?? 'SanDisk',
      product: this.#spec.product ?? 'Ultra', bDeviceClass: '00', authorized: '1', speed: '480',
    });
    writeAttributes(join(dir, `${this.busPath}:1.0`), { bInterfaceClass: '08', bInterfaceSubClass: '06', bInterfaceProtocol: '50' });
    symlinkSync(dir, join(this.#lab.sysRoot, 'bus/usb/devices', this.busPath));
    return this;
  }

  /** Creates the stick's filesystem (first time) and mounts it read-write, as a desktop automounter would. */
  mount(): this {
    mkdirSync(this.mountPoint, { recursive: true });
    if (this.filesystem === 'tmpfs') {
      this.#blockDevice ??= `vstick-${this.busPath.replace(/\W/g, '_')}-${process.pid}`;
      sh('mount', ['-t', 'tmpfs', '-o', `size=${this.#spec.sizeMb ?? 512}m`, this.#blockDevice, this.mountPoint]);
    } else {
      if (!this.#blockDevice) {
        this.#image = join(this.#lab.root, `${this.busPath}.img`);
        sh('truncate', ['-s', `${this.#spec.sizeMb ?? 64}M`, this.#image]);
        sh('mkfs.ext4', ['-q', '-F', '-L', this.label, this.#image]);
        this.#blockDevice = sh('losetup', ['--find', '--show', this.#image]).trim();
      }
      sh('mount', ['-t', 'ext4', this.#blockDevice, this.mountPoint]);
    }
    this.#linkBlock();
    return this;
  }

  /** True when the stick's mount point is in this process's mount table. */
  isMounted(): boolean {
    return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((line) => line.split(' ')[4] === this.mountPoint);
  }

  /** True when mounted read-only. */
  isReadOnly(): boolean {
    const line = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').find((l) => l.split(' ')[4] === this.mountPoint);
    return line?.split(' ')[5]?.split(',').includes('ro') ?? false;
  }

  unmount(): void {
    if (this.isMounted()) sh('umount', ['-l', this.mountPoint]);
  }

  /** Removes the device from sysfs, as the kernel does on unplug. */
  detach(): void {
    rmSync(join(this.#lab.sysRoot, 'bus/usb/devices', this.busPath), { force: true });
    rmSync(this.deviceDir, { recursive: true, force: true });
  }

  dispose(): void {
    while (this.isMounted()) sh('umount', ['-l', this.mountPoint]);
    this.detach();
    for (const link of this.#blockLinks()) rmSync(link, { force: true });
    if (this.#image && this.#blockDevice) {
      try { sh('losetup', ['-d', this.#blockDevice]); } catch { /* already detached */ }
    }
  }

  /** The block device as sysfs shows it: under the USB interface's SCSI host, linked from class/block and block. */
  #linkBlock(): void {
    const name = this.#blockDevice!.split('/').at(-1)!;
    const dir = join(this.deviceDir, `${this.busPath}:1.0`, 'host6/target6:0:0/6:0:0:0/block', name);
    mkdirSync(dir, { recursive: true });
    for (const link of this.#blockLinks()) {
      rmSync(link, { force: true });
      symlinkSync(dir, link);
    }
  }

  #blockLinks(): string[] {
    if (!this.#blockDevice) return [];
    const name = this.#blockDevice.split('/').at(-1)!;
    return [join(this.#lab.sysRoot, 'class/block', name), join(this.#lab.sysRoot, 'block', name)];
  }
}

function writeAttributes(dir: string, attributes: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, value] of Object.entries(attributes)) writeFileSync(join(dir, name), `${value}\n`);
}

function sh(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** True when this machine can play a virtual stick (root, mount and losetup available). */
export function canMountVirtualSticks(): boolean {
  return process.getuid?.() === 0 && ['mount', 'losetup', 'mkfs.ext4'].every((c) => {
    try { execFileSync('sh', ['-c', `command -v ${c}`], { stdio: 'ignore' }); return true; } catch { return false; }
  });
}
