import { afterEach, describe, expect, it } from 'vitest';
import type { AlertCandidate } from '../alerts/types.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { createSqliteRepositories } from '../store/sqlite/repositories/index.ts';
import { summariseSensorHealth } from './sensor-health.ts';
import { SensorHealthMonitor } from './sensor-health-monitor.ts';

const colors = { critical: '#d32f2f', high: '#f57c00', medium: '#fbc02d', low: '#1976d2', info: '#757575' };
let store: SqliteStore | undefined;
afterEach(async () => store?.close());

async function setup() {
  store = new SqliteStore(':memory:');
  for (const pc of ['PC-1', 'PC-2']) {
    await store.createAgent({ id: `a-${pc}`, pc, hardwareId: pc, os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: 0, previousAgentId: null });
  }
  const repos = createSqliteRepositories(store.db);
  const clock = { now: 1_000_000 };
  const raised: AlertCandidate[] = [];
  const monitor = new SensorHealthMonitor({
    repo: repos.sensorHealth, raise: (c) => raised.push(...c), colors: () => colors, now: () => clock.now, degradedAlertAfterMs: 30 * 60_000,
  });
  const heartbeat = (pc: string, sensors: { name: string; state: string; detail: string }[]) => store!.recordHeartbeat(`a-${pc}`, {
    timeMs: clock.now, agentVersion: '1', policyVersion: 1, currentUser: 'tanaka', sensors, journalBacklog: 0,
  });
  return { repos, clock, raised, monitor, heartbeat };
}

const mailOff = { name: 'mail', state: 'degraded', detail: 'mail relay not started: no upstream mail server configured (sensors.mail.upstream)' };
const usbOk = { name: 'usb', state: 'running', detail: 'sysfs' };

describe('sensor health', () => {
  it('counts PCs with a sensor off per sensor, and says since when', async () => {
    const { repos, monitor, heartbeat, clock } = await setup();
    await heartbeat('PC-1', [usbOk, mailOff]);
    await heartbeat('PC-2', [usbOk, mailOff, { name: 'print', state: 'unsupported', detail: 'no CUPS here' }]);
    await monitor.check();
    const summary = summariseSensorHealth(await repos.sensorHealth.currentSensors(), await repos.sensorHealth.degradations());
    expect(summary.bySensor).toEqual({ usb: { off: 0, unsupported: 0 }, mail: { off: 2, unsupported: 0 }, print: { off: 0, unsupported: 1 } });
    expect(summary.pcsWithSensorsOff).toBe(2);
    expect(summary.pcs[1]!.sensors).toContainEqual({ ...mailOff, sinceMs: clock.now });
    expect(summary.pcs[1]!.sensors).toContainEqual({ ...usbOk, sinceMs: null });
  });

  it('alerts once when a sensor stays degraded past the threshold, and again only after it recovered and failed anew', async () => {
    const { monitor, heartbeat, clock, raised } = await setup();
    await heartbeat('PC-1', [usbOk, mailOff]);
    await monitor.check();
    clock.now += 29 * 60_000;
    expect(await monitor.check()).toEqual([]);
    clock.now += 60_000;
    const [alert] = await monitor.check();
    expect(alert).toMatchObject({ ruleId: 'sensor_degraded.mail', kind: 'sensor_degraded', pc: 'PC-1', agentId: 'a-PC-1', severity: 'medium', color: colors.medium, firstMs: 1_000_000 });
    expect(alert!.title).toContain('no upstream mail server configured');
    clock.now += 60 * 60_000;
    expect(await monitor.check()).toEqual([]);
    expect(raised).toHaveLength(1);
    // Recovered, then down again: a new outage with its own threshold.
    await heartbeat('PC-1', [usbOk, { ...mailOff, state: 'running', detail: 'relay on 127.0.0.1:2525' }]);
    await monitor.check();
    await heartbeat('PC-1', [usbOk, mailOff]);
    await monitor.check();
    expect(raised).toHaveLength(1);
    clock.now += 31 * 60_000;
    await monitor.check();
    expect(raised).toHaveLength(2);
  });

  it('does not alert for sensors that are unsupported on the OS', async () => {
    const { monitor, heartbeat, clock, raised } = await setup();
    await heartbeat('PC-1', [{ name: 'print', state: 'unsupported', detail: 'no CUPS here' }]);
    await monitor.check();
    clock.now += 24 * 3_600_000;
    await monitor.check();
    expect(raised).toEqual([]);
  });
});
