export { SiemConfigSchema, type SiemConfig, type SiemSinkConfig, type Severity } from './config.ts';
export { startSiemExport, type SiemExport } from './siem-export.ts';
export type { SinkStatus } from './exporter.ts';
export { ecsFieldsUsed, ecsAllowedValues, ECS_VERSION } from './ecs-fields.ts';
