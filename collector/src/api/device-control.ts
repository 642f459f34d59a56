import { z } from 'zod';
import { deviceException } from './pcs.ts';

// Device control without YAML (GET/PUT /api/device-control…) and sensor health (GET /api/sensor-health).

export const deviceModeName = z.enum(['block', 'read_only', 'allow', 'audit']);

export const deviceModeState = z.strictObject({
  pc: z.string(),
  mode: deviceModeName,
  rule: z.string(),
  source: z.strictObject({ kind: z.enum(['pc', 'group', 'default']), name: z.string().nullable() }),
  pcMode: deviceModeName.nullable(),
  group: z.strictObject({ name: z.string(), mode: deviceModeName.nullable() }).nullable(),
  defaultMode: deviceModeName,
  policyVersion: z.number(),
});

export const activeException = z.discriminatedUnion('source', [
  deviceException.extend({ source: z.literal('collector') }),
  z.strictObject({ id: z.string(), mode: z.string(), serial: z.string().nullable(), untilMs: z.number(), appliedMs: z.number(), source: z.literal('offline_code') }),
]);

export const deviceSeenOnPc = z.strictObject({
  vendorId: z.string(), productId: z.string(), serial: z.string(), vendor: z.string(), product: z.string(), lastSeenMs: z.number(), lastUser: z.string(),
});

export const deviceControlView = z.strictObject({
  state: deviceModeState,
  groups: z.array(z.strictObject({ name: z.string(), mode: deviceModeName.nullable(), pcs: z.array(z.string()) })),
  exceptions: z.array(activeException),
  seen: z.array(deviceSeenOnPc),
});

export const stickRegistration = z.object({
  name: z.string(),
  serial: z.string(),
  vendorId: z.string().optional(),
  productId: z.string().optional(),
  mode: deviceModeName,
  pcs: z.array(z.string()),
  users: z.array(z.string()),
});

export const sensorHealth = z.strictObject({ name: z.string(), state: z.string(), detail: z.string(), sinceMs: z.number().nullable() });
export const pcSensorHealth = z.strictObject({ pc: z.string(), lastSeenMs: z.number().nullable(), sensors: z.array(sensorHealth), off: z.number(), unsupported: z.number() });
export const sensorHealthSummary = z.strictObject({
  pcs: z.array(pcSensorHealth),
  bySensor: z.record(z.string(), z.strictObject({ off: z.number(), unsupported: z.number() })),
  pcsWithSensorsOff: z.number(),
});

export type DeviceModeName = z.infer<typeof deviceModeName>;
export type DeviceModeState = z.infer<typeof deviceModeState>;
export type ActiveException = z.infer<typeof activeException>;
export type DeviceSeenOnPc = z.infer<typeof deviceSeenOnPc>;
export type DeviceControlView = z.infer<typeof deviceControlView>;
export type StickRegistration = z.infer<typeof stickRegistration>;
export type SensorHealth = z.infer<typeof sensorHealth>;
export type PcSensorHealth = z.infer<typeof pcSensorHealth>;
export type SensorHealthSummary = z.infer<typeof sensorHealthSummary>;
