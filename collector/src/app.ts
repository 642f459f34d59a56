import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadTlsMaterial, type TlsMaterial } from './data-dir.ts';
import { startAccessOutcomePusher } from './access-requests/outcome-pusher.ts';
import type { CollectorConfig } from './config/schema.ts';
import { CollectorHub } from './hub.ts';
import { buildHttpServer } from './http/server.ts';
import { createGrpcServer } from './ingest/grpc-server.ts';
import { SessionRegistry } from './ingest/sessions.ts';
import { StreamAuthFailures } from './ingest/stream-auth-failures.ts';
import { PolicyService } from './policy-service.ts';
import { BatchCryptoPool } from './ingest/batch-crypto-pool.ts';
import { widenReceiveWindows } from './ingest/flow-control.ts';
import { POSTGRES_PROJECTION_CHUNK, Projector } from './ingest/projector.ts';
import { createAlertService } from './alerts/create-alert-service.ts';
import { relayRemoteAlerts } from './alerts/remote-alert-relay.ts';
import type { ChangeFeed } from './store/change-feed.ts';
import { checkDeploymentCa, checkDeploymentEvidenceKey, listenForChanges, openCollectorStore, seekProjectionLeadership, type CollectorStore } from './store/open-store.ts';
import type { ProjectionLeadership } from './store/projection-leadership.ts';
import { ExceptionPusher } from './device-control/exception-pusher.ts';
import { loadOrCreateEvidenceKey, type EvidenceSigningKey } from './pki/evidence-key.ts';
import { startSiemExport, type SiemExport } from './siem/index.ts';
import { createOperationsRegistry } from './metrics/operations-metrics.ts';
import { operationsRoutes } from './metrics/operations-routes.ts';
import type { ReportContext } from './reports/generate.ts';
import { ReportScheduler } from './reports/scheduler.ts';
import { SensorHealthMonitor } from './sensor-health/sensor-health-monitor.ts';
import { SwitchableMailTransport } from './notify/switchable-transport.ts';
import { SettingsSecrets } from './settings/settings-secrets.ts';
import { SettingsService } from './settings/settings-service.ts';
import { RiskDigest } from './risk/digest.ts';
import { RiskService } from './risk/risk-service.ts';
import { startSelfViewPusher } from './risk/self-view-pusher.ts';
import { startRetentionSchedule } from './retention/retention-schedule.ts';
import { retentionRepositoryOf } from './store/retention.ts';

export interface CollectorApp {
  config: CollectorConfig;
  tls: TlsMaterial;
  /** Signs export manifests (and segment anchors); made at init, or here for a data dir that predates it. */
  evidenceKey: EvidenceSigningKey;
  /** SQLite by default; PostgreSQL when config.database.postgres is set (store/open-store.ts). */
  store: CollectorStore;
  hub: CollectorHub;
  sessions: SessionRegistry;
  policy: PolicyService;
  /** Derives query tables and alerts from stored events; `projector.idle()` waits until it caught up. */
  projector: Projector;
  http: FastifyInstance;
  grpc: ReturnType<typeof createGrpcServer>['server'];
  /** SIEM export (started by listen(); undefined before). */
  siem(): SiemExport | undefined;
  /** Console-editable settings (alert SMTP server, public URL), applied by listen(). */
  settings: SettingsService;
  /** Binds both servers; returns the actual ports (0 in config = any free port). */
  listen(): Promise<{ grpcPort: number; httpUrl: string }>;
  close(): Promise<void>;
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1';
}

/** Composes the collector from its config; nothing listens until listen(). */
export async function buildApp(config: CollectorConfig, now: () => number = Date.now): Promise<CollectorApp> {
  const tls = loadTlsMaterial(config.dataDir);
  const evidenceKey = loadOrCreateEvidenceKey(config.dataDir);
  const store = await openCollectorStore(config);
  // Several collectors on one PostgreSQL database must share one CA, or an agent failing over is turned away, and one
  // evidence key, or an export signed by another node fails against the key an auditor pinned.
  await checkDeploymentCa(store, tls.caFingerprint, now()).then(() => checkDeploymentEvidenceKey(store, evidenceKey.fingerprint, now())).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const repos = store.repos;
  const hub = new CollectorHub();
  const sessions = new SessionRegistry();
  const policy = new PolicyService(store, sessions, now, repos.uploadExceptions);
  await policy.load();
  // Alerts: rules run on every event the hub reports; timers (offline check, mail delivery) start with listen().
  // The alert mail transport an admin can repoint from the console's settings page without a restart.
  const mailTransport = new SwitchableMailTransport(config.smtp);
  const alerts = createAlertService({ config, store, hub, policy, now, transport: mailTransport });
  // Risk scores: taken from the projector's events (hub), risk alerts through the alert machinery.
  const risk = new RiskService({ repos: store.repos, hub, policy, now, raiseAlerts: (candidates) => alerts.raise(candidates) });
  // Ingest stores evidence and acknowledges; the projector then fills the query tables and feeds the alerts.
  // On PostgreSQL only the collector holding the projection lock projects (listen() seeks it); a CLI that builds
  // the app never does.
  const shared = config.database.postgres !== undefined;
  // Before it projects (at start, and each time it becomes the leader), the alert windows are rebuilt from the events
  // already projected, so a fail-over or a restart does not start a person's day-long count from zero.
  const projector = new Projector(store, hub, {
    leader: !shared, chunk: shared ? POSTGRES_PROJECTION_CHUNK : undefined, beforeLeading: () => alerts.rebuildWindows(),
  });
  const crypto = new BatchCryptoPool();
  const authFailures = new StreamAuthFailures({ store, hub, now });
  const { server: grpcServer, credentials } = createGrpcServer({
    store, hub, sessions, policy, now, collectorName: config.name, onStored: projector.notify, crypto, authFailures, evidenceKey,
    collectorAddresses: config.grpc.agentAddresses ?? [],
    limits: { maxEvents: config.grpc.maxBatchEvents, maxEventBytes: 1024 * 1024 },
    tls,
  });
  // Exceptions (device and upload) may be written by the CLI (another process), the console or, on PostgreSQL,
  // another collector: each change is pushed to the PC's agent. On PostgreSQL a NOTIFY wakes the check as the row
  // commits (listen()); on SQLite a 200 ms poll stays behind the signal files and keeps "applied on the PC in under
  // a second".
  const exceptions = await ExceptionPusher.start({ store, deviceControl: repos.deviceControl, uploadExceptions: repos.uploadExceptions, policy });
  const exceptionWatcher = shared ? undefined : setInterval(() => void exceptions.check(), 200);
  exceptionWatcher?.unref();
  // On PostgreSQL decisions arrive by NOTIFY too; the timer is then only the retry of a sweep that failed.
  const accessOutcomes = startAccessOutcomePusher({ accessRequests: store.repos.accessRequests, sessions, hub, now, intervalMs: shared ? 5_000 : 300 });
  // Employees' own risk indicators for the tray page, down each agent's stream.
  const stopSelfViews = startSelfViewPusher({ repos, sessions, hub, policy: () => policy.current, decayPerDay: () => risk.decayPerDay, now });
  const useHttps = !isLoopback(config.http.host);
  // Inspection reports: on demand (API, CLI) and on their weekly/monthly schedules, checked once a minute.
  let publicUrl = config.http.publicUrl ?? `http://localhost:${config.http.port}`;
  const reports: ReportContext = {
    repos: store.repos, store, policy: () => policy.current, now, fontPath: config.reports.font, mail: { from: config.smtp.from, publicUrl: () => publicUrl },
  };
  const reportScheduler = new ReportScheduler(reports, {
    tickMs: config.reports.checkEveryMs, onError: (error) => process.stderr.write(`mamori-collector: scheduled report failed: ${(error as Error).message}\n`),
  });
  // The daily digest of risk movers to subscribed managers, through the alert mails' outbox.
  const riskDigest = new RiskDigest({
    repos, policy: () => policy.current, decayPerDay: () => risk.decayPerDay, from: config.smtp.from, publicUrl: () => publicUrl, now,
    onQueued: () => alerts.notifier.kick(), onError: (error) => process.stderr.write(`mamori-collector: risk digest failed: ${(error as Error).message}\n`),
  });
  const settings = new SettingsService({
    repo: repos.settings, store, transport: mailTransport, configSmtp: config.smtp, configPublicUrl: config.http.publicUrl, secrets: new SettingsSecrets(evidenceKey),
    defaultPublicUrl: () => publicUrl, now,
    onPublicUrl: (url) => {
      publicUrl = url;
      alerts.notifier.setPublicUrl(url);
    },
    onReaders: (readers) => alerts.notifier.setReaders(readers),
  });
  const { app: http } = await buildHttpServer({
    reports, repos, settings, risk,
    store, now, policy, hub, evidenceKey: { publicKey: evidenceKey.publicKey.toString('base64'), fingerprint: evidenceKey.fingerprint },
    ...(useHttps ? { https: { certPem: tls.certPem + tls.caPem, keyPem: tls.keyPem } } : {}),
  });
  // Operations: /metrics and /health on the console's port; SIEM sinks start with listen().
  let siem: SiemExport | undefined;
  let stopPolicyWatch: (() => void) | undefined;
  let changes: ChangeFeed | undefined;
  let stopAlertRelay: (() => void) | undefined;
  let leadership: ProjectionLeadership | undefined;
  let stopSensorHealth: (() => void) | undefined;
  let stopRetention: (() => Promise<void>) | undefined;
  const operations = repos.operations;
  let projectionPoll: NodeJS.Timeout | undefined;
  const registry = createOperationsRegistry({
    operations, now, connectedHere: () => sessions.all().length,
    siem: async () => ({ statuses: siem?.statuses() ?? [], lastPosition: (await siem?.lastPosition()) ?? 0 }),
  });
  operationsRoutes(http, { metrics: registry, operations, startedMs: now(), now });

  return {
    config, tls, evidenceKey, store, hub, sessions, policy, projector, http, grpc: grpcServer, settings,
    siem: () => siem,
    async listen() {
      const grpcPort = await new Promise<number>((resolve, reject) => {
        grpcServer.bindAsync(`${config.grpc.host}:${config.grpc.port}`, credentials, (error, port) => (error ? reject(error) : resolve(port)));
      });
      if (!widenReceiveWindows(grpcServer)) process.stderr.write('mamori-collector: could not raise the HTTP/2 receive window (grpc-js internals changed); ingest from one agent will be slower\n');
      await http.listen({ host: config.http.host, port: config.http.port });
      const address = http.server.address();
      const port = typeof address === 'object' && address ? address.port : config.http.port;
      const host = isLoopback(config.http.host) || config.http.host === '0.0.0.0' ? 'localhost' : config.http.host;
      publicUrl = config.http.publicUrl ?? `${useHttps ? 'https' : 'http'}://${host}:${port}`;
      await alerts.start(publicUrl);
      await settings.load(); // a public URL or SMTP server set from the console overrides the config file
      // Sensors that agents report as not running: tracked since when, alerted once past the threshold.
      stopSensorHealth = new SensorHealthMonitor({
        repo: repos.sensorHealth, raise: (candidates) => alerts.raise(candidates), colors: () => alerts.engine.policy.colors, now,
        degradedAlertAfterMs: config.sensorHealth.degradedAlertAfterMs,
      }).start(config.sensorHealth.checkEveryMs, (error) => process.stderr.write(`mamori-collector: sensor health check failed: ${(error as Error).message}\n`));
      // Not awaited: a first start on a large store rebuilds the scores from the evidence (seconds to minutes).
      risk.start().catch((error: unknown) => process.stderr.write(`mamori-collector: risk scoring did not start: ${(error as Error).message}\n`));
      reportScheduler.start();
      riskDigest.start();
      // Policy versions, exceptions and access-request answers stored by another process (the CLI) or, on
      // PostgreSQL, another collector reach this collector's agents too. PostgreSQL: LISTEN/NOTIFY, heard as the row
      // commits; after a lost LISTEN connection comes back, every cursor catches up. SQLite: the writer's signal file
      // (store/sqlite/change-signals.ts) wakes the same handlers as the commit lands; the poll of the newest version
      // number (one indexed read) stays behind it for a filesystem that reports no changes.
      const reportRefresh = (error: unknown) => process.stderr.write(`mamori-collector: policy version not taken up: ${(error as Error).message}\n`);
      changes = await listenForChanges(store, (error) => process.stderr.write(`mamori-collector: change notifications interrupted (reconnecting): ${error.message}\n`));
      if (changes) {
        const refreshPolicy = () => void policy.refresh().catch(reportRefresh);
        changes.on('policyVersion', refreshPolicy);
        changes.on('deviceException', () => void exceptions.check());
        changes.on('uploadException', () => void exceptions.check());
        changes.on('accessOutcome', () => accessOutcomes.wake());
        const reloadSettings = () => void settings.load().catch((error: unknown) => process.stderr.write(`mamori-collector: settings changed elsewhere not taken up: ${(error as Error).message}\n`));
        changes.on('setting', reloadSettings);
        // Alerts stored by the projection leader (another collector, when this one is not) reach this console too.
        stopAlertRelay = relayRemoteAlerts(changes, repos, (error) => process.stderr.write(`mamori-collector: alert not relayed to the live view: ${(error as Error).message}\n`));
        changes.onResync(() => {
          refreshPolicy();
          void exceptions.check();
          accessOutcomes.wake();
          reloadSettings();
        });
      }
      if (!shared) stopPolicyWatch = policy.watch(250, reportRefresh);
      leadership = await seekProjectionLeadership(store, (error) => process.stderr.write(`mamori-collector: projection lock: ${error.message}\n`));
      if (leadership) {
        leadership.onChange((leader) => projector.setLeader(leader));
        projector.setLeader(leadership.isLeader);
      }
      projector.notify(); // catch up on anything stored but not yet projected before a crash or restart
      // Events stored by another process (`import-log` from the CLI) or by an API import reach the query tables
      // and the SIEM sinks without waiting for the next agent batch. Only a pending event wakes the projector.
      // Started here, not in buildApp: a CLI command that builds the app to publish a policy never listens, and
      // must not take projection chunks (and their alerts) away from the running collector.
      projectionPoll = setInterval(() => {
        operations.hasUnprojected().then((pending) => { if (pending) projector.notify(); }, () => {
          // the database is closing; close() stops this timer
        });
      }, 500);
      projectionPoll.unref();
      siem = startSiemExport({ siem: config.siem, repository: store.repos.siem, records: store.repos.siemRecords, hub, now });
      // Evidence past the policy's `retention` goes, each agent's only after a verified export of exactly it.
      const retention = retentionRepositoryOf(store);
      if (retention) {
        stopRetention = startRetentionSchedule(
          { store, retention, signer: { key: evidenceKey, collectorName: config.name }, exportDir: config.retention.exportDir ?? join(config.dataDir, 'retention-exports'), now },
          () => policy.current.retention, config.retention.checkEveryMs,
          (error) => process.stderr.write(`mamori-collector: retention run failed, nothing unexported was deleted: ${error.message}\n`),
        );
      }
      return { grpcPort, httpUrl: `${useHttps ? 'https' : 'http'}://${host}:${port}/` };
    },
    async close() {
      clearInterval(exceptionWatcher);
      stopSensorHealth?.();
      clearInterval(projectionPoll);
      stopPolicyWatch?.();
      accessOutcomes.stop();
      stopAlertRelay?.();
      await changes?.close();
      stopSelfViews();
      for (const session of sessions.all()) session.close();
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => { grpcServer.forceShutdown(); resolve(); }, 2_000);
        grpcServer.tryShutdown(() => { clearTimeout(force); resolve(); });
      });
      await stopRetention?.();
      await projector.stop();
      await leadership?.close(); // after the last pass: another collector takes over from the cursor
      await riskDigest.stop();
      await risk.stop();
      await reportScheduler.stop();
      authFailures.close(); // pending counts of failed stream authentications become findings before the store closes
      await siem?.stop();
      await crypto.close();
      await alerts.stop();
      await http.close();
      await store.close();
    },
  };
}
