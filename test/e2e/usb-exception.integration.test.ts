// Must-show for removable media across the whole system: an exception created in the collector reaches a
// connected agent and lifts a block (time measured and printed), ends at its expiry by the agent's clock, and an
// offline unlock code works once and only before it expires. The stick is a fake sysfs entry (no mount needed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAgent, type RunningAgent } from '@mamori/agent';
import { createDeviceException } from '@mamori/collector';
import { createUnlockCode, randomUnlockNonce } from '@mamori/proto';
import { LinuxDeviceEnforcer } from '../../agent/src/control/linux/linux-enforcer.ts';
import { UsbSensor } from '../../agent/src/sensors/usb/common/usb-sensor.ts';
import { SysfsUsbSource } from '../../agent/src/sensors/usb/linux/sysfs-usb-source.ts';
import { enrollTestAgent, testAgentConfig } from '../harness/agent.ts';
import { startTestCollector, waitFor, type TestCollector } from '../harness/collector.ts';
import { VirtualUsbLab } from '../harness/virtual-usb-stick.ts';

const PC = 'PC-RECEPTION-2';

describe('device exceptions end to end', () => {
  let collector: TestCollector;
  let agent: RunningAgent;
  let lab: VirtualUsbLab;
  let usb: UsbSensor;

  beforeAll(async () => {
    collector = await startTestCollector();
    const stateDir = await enrollTestAgent(await collector.token(), { hostname: PC });
    lab = new VirtualUsbLab();
    // The sensor feeds the agent's own device control (built by runAgent with this enforcer), as in production.
    const enforcer = new LinuxDeviceEnforcer({ sysRoot: lab.sysRoot, prefer: 'sysfs' });
    agent = await runAgent(testAgentConfig(stateDir), {
      lightweight: true, log: () => undefined, userLookup: async () => 'visitor-desk', deviceEnforcer: enforcer,
      sensors: ({ deviceControl }) => [usb = new UsbSensor({ source: new SysfsUsbSource({ sysRoot: lab.sysRoot, hotplug: false, pollMs: 50 }), control: deviceControl! })],
    });
    await waitFor(() => agent.uplink.status().connected === true, 30_000, 'agent connected');
  });

  afterAll(async () => {
    await agent?.stop();
    await collector?.close();
    lab?.dispose();
  });

  it('applies a collector exception on the connected agent, then ends it at its expiry', async () => {
    const stick = lab.stick({ busPath: '4-1', serial: 'VISITOR-STICK' }).attach();
    await waitFor(() => stick.authorized() === '0', 10_000, 'stick blocked by the default policy');

    const createdAt = performance.now();
    const exception = await createDeviceException(collector.app.store, {
      pc: PC, serial: 'VISITOR-STICK', mode: 'allow', untilMs: Date.now() + 4_000, reason: 'visitor documents', actor: 'admin', now: Date.now(),
    });
    await waitFor(() => stick.authorized() === '1', 10_000, 'exception applied on the agent');
    console.log(`exception created in the collector → stick authorized on the agent: ${(performance.now() - createdAt).toFixed(0)} ms`);

    await waitFor(() => stick.authorized() === '0', 15_000, 'exception expired on the agent');
    expect(Date.now()).toBeGreaterThanOrEqual(exception.untilMs);
    const rule = `device.exceptions.${exception.id}`;
    await waitFor(async () => (await collector.app.store.repos.devices.searchDeviceEvents({ pc: PC, serial: 'VISITOR-STICK' })).length >= 4, 15_000, 'events at the collector');
    const actions = (await collector.app.store.repos.devices.searchDeviceEvents({ pc: PC, serial: 'VISITOR-STICK' })).reverse().map((e) => `${e.action} ${e.rule}`.trim());
    expect(actions).toEqual(['ATTACHED', 'BLOCKED device.default', `ALLOWED ${rule}`, 'BLOCKED device.default']);
    stick.detach();
  });

  it('redeems an offline unlock code once, and refuses it again or after expiry', async () => {
    const stick = lab.stick({ busPath: '4-2', serial: 'PHONE-CALL' }).attach();
    await waitFor(() => stick.authorized() === '0', 10_000, 'stick blocked');
    const key = Buffer.from(agent.identity.unlockKey, 'base64');
    const code = createUnlockCode(key, { pc: PC, serial: 'PHONE-CALL', untilMs: Date.now() + 3_600_000, nonce: randomUnlockNonce() });
    const exception = await usb.control!.redeemUnlockCode(code, key, PC);
    expect(stick.authorized()).toBe('1');
    expect(exception).toMatchObject({ serial: 'PHONE-CALL', mode: 'allow' });
    await expect(usb.control!.redeemUnlockCode(code, key, PC)).rejects.toMatchObject({ code: 'AGENT_UNLOCK_CODE_USED' });
    const expired = createUnlockCode(key, { pc: PC, untilMs: Date.now() - 60_000, nonce: randomUnlockNonce() });
    await expect(usb.control!.redeemUnlockCode(expired, key, PC)).rejects.toMatchObject({ code: 'AGENT_UNLOCK_CODE_EXPIRED' });
    stick.detach();
  });
});
