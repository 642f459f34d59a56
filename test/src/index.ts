export * from '../harness/system-packages.ts';
export * from '../harness/collector.ts';
export * from '../harness/agent.ts';
export * from '../harness/virtual-usb-stick.ts';
