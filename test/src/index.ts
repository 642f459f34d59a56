export * from '../harness/system-packages.ts';
export * from '../harness/virtual-usb-stick.ts';
