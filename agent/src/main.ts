import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { EffectivePolicy } from '@mamori/policies';
import { loadPrivateKey } from '@mamori/proto';
import type { AgentConfig } from './config/schema.ts';
import { startClockGuard } from './core/clock-guard.ts';
import { CurrentUser } from './core/current-user.ts';
import { Journal } from './core/journal.ts';
import { PolicyHolder } from './core/policy-holder.ts';
import { Recorder } from './core/recorder.ts';
import { reconcileWithCollector } from './core/journal-reset.ts';
import { SealKeyFile } from './core/seal-key-file.ts';
import { Sealer } from './core/sealer.ts';
import { AgentError } from './errors.ts';
import type { Sensor } from './sensors/common/sensor.ts';
import { createLocalServer, type LocalServer } from './local/local-server.ts';
import { startTray, localExceptionsThroughSensors, unlockThroughSensors, type Tray } from './local/tray/tray-service.ts';
import { InventorySensor } from './sensors/inventory/common/inventory-sensor.ts';
import { createSensors } from './sensors/registry.ts';
import { fileWallClockMark } from './state/wall-clock-mark.ts';
import { readIdentity, readSavedPolicy, savePolicy, stateFiles, type AgentIdentity } from './state/identity.ts';
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
  /** Replace the OS-chosen sensors (tests, benchmarks). */
  sensors?: Sensor[];
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

  const applyPolicy = (next: EffectivePolicy) => {
    const previous = policy.current();
    if (previous && JSON.stringify(previous) === JSON.stringify(next)) return;
    savePolicy(config.stateDir, next);
    recorder.record({ lifecycle: { kind: 'POLICY_APPLIED', agentVersion, policyVersion: next.version, detail: `device mode ${next.device.mode} (${next.device.rule}), ${next.device.exceptions.length} exception(s)` } });
    policy.apply(next);
  };

  // The loopback endpoint for the tray page and the browser extension; a taken port degrades, never stops, the agent.
  const local: LocalServer = createLocalServer({ port: config.local.port });
  const localPort = await local.listen().catch((error: unknown) => {
    log(`local endpoint on 127.0.0.1:${config.local.port} unavailable: ${(error as Error).message}`);
    return undefined;
  });
  let sensorList: Sensor[] = [];
  const tray = startTray({
    routes: local, policy, emit: recorder.record, user: user.get, pc: () => identity.pc || hostname(), stateDir: config.stateDir,
    unlock: (code) => unlockThroughSensors(sensorList, identity)(code),
    localExceptions: () => localExceptionsThroughSensors(sensorList)(),
  });
  // Sensors journal first, then the tray announces any block the event records.
  const emit = (draft: Parameters<typeof recorder.record>[0]): number => {
    const seq = recorder.record(draft);
    tray.observe(draft);
    return seq;
  };

  const sensors = options.sensors ?? [
    ...(await createSensors({
      config, policy, currentUser: user.get, local,
      requestUploadAccess: (ask) => tray.requests.requestUpload(
        { host: ask.host, domain: ask.domain, category: ask.category, fileNames: ask.fileNames }, ask.reason, ask.user, ask.rule),
    })),
    ...(options.lightweight ? [] : [new InventorySensor(await import('./sensors/inventory/node/systeminformation-inventory.ts').then((m) => new m.SystemInformationInventory()))]),
  ];

  const clock = startClockGuard({ mark: fileWallClockMark(config.stateDir), record: recorder.record, agentVersion, ...config.clock });
  const uplink = new Uplink({
    agentId: identity.agentId, privateKey: loadPrivateKey(privateKeyPem),
    client: createCollectorClient(identity.collectorAddress, identity.caPem), journal,
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

  sensorList = sensors;

  return {
    identity, journal, recorder, policy, uplink, sensors, tray, localPort, started,
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
