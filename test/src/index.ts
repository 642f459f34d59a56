export * from '../harness/system-packages.ts';
