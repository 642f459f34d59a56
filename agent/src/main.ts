import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { loadPrivateKey } from '@mamori/proto';
import type { AgentConfig } from './config/schema.ts';
import type { DeviceControl } from './control/common/device-control.ts';
import { RecordingEnforcer, type DeviceEnforcer } from './control/common/enforcer.ts';
import { createDeviceControl } from './control/create-device-control.ts';
import { startClockGuard } from './core/clock-guard.ts';
import { CurrentUser } from './core/current-user.ts';
import type { Emit } from './core/event-draft.ts';
import { Journal } from './core/journal.ts';
import { PolicyHolder } from './core/policy-holder.ts';
import { createPolicyIntake } from './core/policy-intake.ts';
import { Recorder } from './core/recorder.ts';
import { MountHub } from './core/removable-media/mount-hub.ts';
import { reconcileWithCollector } from './core/journal-reset.ts';
import { SealKeyFile } from './core/seal-key-file.ts';
import { Sealer } from './core/sealer.ts';
import { AgentError } from './errors.ts';
import type { Sensor } from './sensors/common/sensor.ts';
import { createLocalServer, type LocalServer } from './local/local-server.ts';
import { startTray, throughDeviceControl, type Tray } from './local/tray/tray-service.ts';
import { InventorySensor } from './sensors/inventory/common/inventory-sensor.ts';
import { createSensors, type SensorContext } from './sensors/registry.ts';
import { fileWallClockMark } from './state/wall-clock-mark.ts';
import { readIdentity, readSavedPolicy, saveCollectorAddresses, savePolicy, stateFiles, type AgentIdentity } from './state/identity.ts';
import { createCollectorClient } from './uplink/client.ts';
import { Uplink } from './uplink/uplink.ts';
import { agentVersion } from './version.ts';

export interface RunningAgent {
  identity: AgentIdentity;
  journal: Journal;
  recorder: Recorder;
  policy: PolicyHolder;
  uplink: Uplink;
  sensors: Sensor[];
  /** Device control with this OS's enforcer; undefined on an OS without one. */
  deviceControl: DeviceControl | undefined;
  /** The end-user tray's agent side (block notifications, access requests); its page is on the local endpoint. */
  tray: Tray;
  /** The loopback endpoint's port, or undefined when it could not bind. */
  localPort: number | undefined;
  /** Settles once every sensor's start finished (the inventory's first snapshot included): start-up work is done. */
  started: Promise<void>;
  /** Graceful stop: records STOPPED, stops sensors, flushes what it can. */
  stop(): Promise<void>;
}

export interface RunOptions {
  /**
   * Replace the OS-chosen sensors (tests, benchmarks). A function gets the context the real factories get (the
   * agent's policy, device control, mount hub), so a test's usb or file-copy sensor shares them as in production.
   */
  sensors?: Sensor[] | ((context: SensorContext) => Sensor[]);
  /**
   * Replace the OS's device enforcer (tests). When `sensors` are replaced and no enforcer is given, decisions are
   * only recorded: a test never changes the devices of the machine it runs on by accident.
   */
  deviceEnforcer?: DeviceEnforcer;
  log?: (line: string) => void;
  /** Skip the systeminformation-based inventory and user lookup (benchmarks measuring the core). */
  lightweight?: boolean;
  /**
   * Journal STARTED and STOPPED (default true). Off for short maintenance sessions (`drain`, `record-uninstall`)
   * that only deliver the journal: they are not the agent running, and a STOPPED they add would be left unsent.
   */
  recordLifecycle?: boolean;
  /** Replaces the OS lookup of the logged-in user (tests); polled every second, lightweight or not. */
  userLookup?: () => Promise<string>;
}

/** The composition root: reads identity and config, opens the journal, picks adapters, starts everything. */
export async function runAgent(config: AgentConfig, options: RunOptions = {}): Promise<RunningAgent> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { identity, privateKeyPem } = readIdentity(config.stateDir);
  mkdirSync(config.stateDir, { recursive: true });
  writeFileSync(join(config.stateDir, stateFiles.pid), `${process.pid}\n`);
  const controller = new AbortController();
  const journal = new Journal(join(config.stateDir, stateFiles.journal), { maxBytes: config.journalMaxBytes });
  const user = new CurrentUser(options.userLookup ?? (async () => {
    const si = await import('./platform/system-information.ts').then((m) => m.systemInformation());
    const users = await si.users();
    return users[0]?.user ?? '';
  }));
  if (options.userLookup) await user.watch(controller.signal, 1_000);
  else if (!options.lightweight) await user.watch(controller.signal);
  const recorder = new Recorder(journal, { agentId: identity.agentId, pc: () => identity.pc || hostname(), user: user.get });
  const policy = new PolicyHolder(readSavedPolicy(config.stateDir));

  const sealing = config.seal.enabled ? openSealer(config, identity, journal, log) : undefined;
  if (sealing) {
    journal.sealWith(sealing.sealer);
    sealing.sealer.start(controller.signal);
    if (sealing.reset) recorder.record({ lifecycle: { kind: 'SEAL_RESET', agentVersion, detail: sealing.reset } });
  }

  const recordLifecycle = options.recordLifecycle ?? true;
  if (recordLifecycle) recorder.record({ lifecycle: { kind: 'STARTED', agentVersion, policyVersion: policy.current()?.version ?? 0, detail: `pid ${process.pid}` } });

  const applyPolicy = createPolicyIntake({ policy, save: (next) => savePolicy(config.stateDir, next), record: recorder.record, log, agentVersion });

  // The loopback endpoint for the tray page and the browser extension; a taken port degrades, never stops, the agent.
  const local: LocalServer = createLocalServer({ port: config.local.port });
  const localPort = await local.listen().catch((error: unknown) => {
    log(`local endpoint on 127.0.0.1:${config.local.port} unavailable: ${(error as Error).message}`);
    return undefined;
  });
  // Sensors and device control journal first, then the tray announces any block the event records. The tray is
  // made below (it needs device control, which needs this): nothing emits before runAgent returns.
  const emit: Emit = (draft) => {
    const seq = recorder.record(draft);
    tray.observe(draft);
    return seq;
  };
  const mounts = new MountHub();
  const deviceControl = await createDeviceControl({
    policy, emit, user: user.get, mounts, stateDir: config.stateDir, settings: config.sensors.usb,
    enforcer: options.deviceEnforcer ?? (options.sensors ? new RecordingEnforcer() : undefined),
  });
  const tray: Tray = startTray({
    routes: local, policy, emit: recorder.record, user: user.get, pc: () => identity.pc || hostname(), stateDir: config.stateDir,
    ...throughDeviceControl(deviceControl, identity),
  });

  const context: SensorContext = {
    config, policy, currentUser: user.get, local, deviceControl, mounts,
    requestUploadAccess: (ask) => tray.requests.requestUpload(
      { host: ask.host, domain: ask.domain, category: ask.category, fileNames: ask.fileNames }, ask.reason, ask.user, ask.rule),
  };
  const sensors = typeof options.sensors === 'function' ? options.sensors(context) : options.sensors ?? [
    ...(await createSensors(context)),
    ...(options.lightweight ? [] : [new InventorySensor(await import('./sensors/inventory/node/systeminformation-inventory.ts').then((m) => new m.SystemInformationInventory()))]),
  ];

  const clock = startClockGuard({ mark: fileWallClockMark(config.stateDir), record: recorder.record, agentVersion, ...config.clock });
  const uplink = new Uplink({
    agentId: identity.agentId, privateKey: loadPrivateKey(privateKeyPem),
    // Every collector of the deployment presents a certificate from the one CA pinned at enrollment.
    collectors: {
      addresses: identity.collectorAddresses,
      dial: (address) => createCollectorClient(address, identity.caPem),
      onAddresses: (addresses) => {
        try {
          saveCollectorAddresses(config.stateDir, addresses);
        } catch (error) {
          log(`uplink: could not save the collectors' addresses: ${(error as Error).message}`);
        }
      },
    },
    journal,
    ...config.uplink, onPolicy: applyPolicy, onServerTime: clock.onServerTime, log, sealing: sealing?.sealer, onCommand: (command) => void tray.onCommand(command),
    reconcile: (collector) => reconcileWithCollector(journal, recorder, collector, agentVersion),
    heartbeat: () => ({
      sensors: sensors.map((s) => ({ name: s.name, ...s.status() })), policyVersion: policy.current()?.version ?? 0, user: user.get(),
    }),
  });
  recorder.onRecorded(uplink.notify);
  uplink.start(controller.signal);

  const started = Promise.all(sensors.map((sensor) => sensor.start(emit, controller.signal).then(
    (status) => log(`sensor ${sensor.name}: ${status.state} — ${status.detail}`),
    (error: unknown) => log(`sensor ${sensor.name} failed to start: ${(error as Error).message}`),
  ))).then(() => undefined);

  return {
    identity, journal, recorder, policy, uplink, sensors, deviceControl, tray, localPort, started,
    async stop() {
      if (recordLifecycle) {
        recorder.record({ lifecycle: { kind: 'STOPPED', agentVersion, detail: 'graceful stop' } });
        await uplink.drained(2_000);
      }
      journal.confirmOnStop();
      clock.stop();
      sealing?.sealer.stop();
      controller.abort();
      tray.stop();
      await local.close();
      journal.close();
      rmSync(join(config.stateDir, stateFiles.pid), { force: true });
    },
  };
}

/**
 * The seal chain this agent continues, or a new one when its state is gone. Never fatal: without sealing the
 * agent still journals (and the collector, expecting seals, flags the batches).
 */
function openSealer(config: AgentConfig, identity: AgentIdentity, journal: Journal, log: (line: string) => void): { sealer: Sealer; reset?: string } | undefined {
  const file = new SealKeyFile(join(config.stateDir, stateFiles.sealKey));
  const missing = identity.sealChain === undefined ? 'first seal chain (agent enrolled before sealing)' : 'seal state missing or unreadable';
  try {
    const { sealer, started } = Sealer.open(file, journal, config.seal, missing);
    if (!started) return { sealer };
    log(`${new AgentError('AGENT_SEAL_STATE_LOST', `${started}; chain ${sealer.chain} from seq ${journal.lastSeq + 1}`).message}`);
    return identity.sealChain === undefined ? { sealer } : { sealer, reset: `${started}: new seal chain ${sealer.chain} from seq ${journal.lastSeq + 1}` };
  } catch (error) {
    log(new AgentError('AGENT_SEAL_UNAVAILABLE', (error as Error).message).message);
    return undefined;
  }
}
