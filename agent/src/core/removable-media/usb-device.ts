// The USB and removable-media model shared by the usb sensor (sensors/usb, which observes) and device control
// (control/, which decides and enforces): neutral, so neither side imports the other.
/** A USB device as every OS adapter reports it (the shape of proto's UsbDevice, all fields present). */
export interface UsbDeviceInfo {
  /** 4 hex digits, lower case. */
  vendorId: string;
  productId: string;
  /** iSerialNumber; empty when the device has none (then allow-listing by serial cannot match it). */
  serial: string;
  vendor: string;
  product: string;
  /** bDeviceClass, 2 hex digits ("00" = defined per interface). */
  deviceClass: string;
  /** bInterfaceClass of each interface, 2 hex digits, e.g. "08" for mass storage. */
  interfaceClasses: string[];
  /** OS-specific location: sysfs "1-2", a Windows PNPDeviceID, a macOS IORegistry path or BSD disk. */
  busPath: string;
}

/** A mounted filesystem on removable media. */
export interface MountInfo {
  mountPoint: string;
  /** Filesystem type as the OS names it: ext4, vfat, exfat, ntfs, tmpfs … */
  filesystem: string;
  /** The block device mounted, e.g. /dev/sdb1 (Windows: the drive letter's volume; macOS: /dev/disk4s1). */
  blockDevice: string;
  sizeBytes: number;
  label: string;
  readOnly: boolean;
  /** The USB device the filesystem lives on; absent when it could not be traced to one. */
  device?: UsbDeviceInfo;
}

/** What an OS mechanism observed; the portable part (UsbSensor + device control) turns these into events. */
export type UsbObservation =
  | { type: 'attached'; device: UsbDeviceInfo }
  | { type: 'detached'; device: UsbDeviceInfo }
  | { type: 'mounted'; mount: MountInfo }
  | { type: 'unmounted'; mount: MountInfo };

/** USB class code of mass storage (bDeviceClass or bInterfaceClass). */
export const MASS_STORAGE_CLASS = '08';

/** True for devices that carry storage: the only ones device policy controls (never keyboards or mice). */
export function isMassStorage(device: UsbDeviceInfo): boolean {
  return device.deviceClass === MASS_STORAGE_CLASS || device.interfaceClasses.includes(MASS_STORAGE_CLASS);
}

/** Stable identity of one physical device at one location, for diffing scans. */
export function deviceKey(device: UsbDeviceInfo): string {
  return `${device.busPath}|${device.vendorId}:${device.productId}|${device.serial}`;
}
