export { createUploadSensor } from './factory.ts';
export { UploadSensor, extensionRoutes, type FileHasher, type ProfileStore, type UploadSensorOptions } from './common/upload-sensor.ts';
export { FakeUploadSensor } from './common/fake-upload-sensor.ts';
export { UploadSensorConfigSchema, type UploadSensorConfig } from './common/config.ts';
export { PINNED_EXTENSION_ID, extensionIdFromKey } from './common/extension-id.ts';
export { categorise, hostOf } from './common/categorise.ts';
