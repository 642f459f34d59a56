import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { OperationsRepository, OperationsSnapshot } from '../store/repositories/operations.ts';
import type { SinkStatus } from '../siem/index.ts';

export interface MetricsSources {
  operations: OperationsRepository;
  /** Agent streams open on this collector process. */
  connectedHere: () => number;
  /** SIEM sinks (empty when none are configured). */
  siem: () => Promise<{ statuses: SinkStatus[]; lastPosition: number }>;
  now: () => number;
}

/**
 * The collector's Prometheus metrics. Values are read from the store when scraped (one snapshot per scrape), so
 * they are right in a deployment where several processes share the data; counters that live in the database
 * (events stored, integrity findings, SIEM deliveries) survive restarts instead of dropping to zero.
 */
/** The registry and the read that fills it: `refresh()` before each scrape (the reads are async, prom-client's collect runs them in parallel). */
export interface OperationsMetrics {
  registry: Registry;
  /** Takes one snapshot of the store's figures that every metric of the next scrape reads. */
  refresh(): Promise<void>;
}

const emptySnapshot: OperationsSnapshot = {
  eventsStored: 0, projectionLagEvents: 0, projectionLagMs: 0, agentsEnrolled: 0, agentsConnected: 0, journalBacklogSum: 0,
  journalBacklogMax: 0, agentsWithBacklog: 0, outboxPending: 0, integrityFindings: [],
};

export function createOperationsRegistry(sources: MetricsSources): OperationsMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mamori_collector_' });
  // prom-client names these gauges *_total, which Prometheus' naming rules (promtool check metrics) reserve for counters.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(`mamori_collector_${name}`);
  let snapshot = emptySnapshot;
  let siem: { statuses: SinkStatus[]; lastPosition: number } = { statuses: [], lastPosition: 0 };
  // Every collect() below reads the snapshot taken by refresh() just before the scrape.
  const refresh = async (): Promise<void> => {
    [snapshot, siem] = await Promise.all([sources.operations.snapshot(sources.now()), sources.siem()]);
  };

  const setTotal = (counter: Counter, value: number, labels?: Record<string, string>): void => {
    if (labels) { counter.remove(labels); counter.inc(labels, value); } else { counter.reset(); counter.inc(value); }
  };

  new Counter({
    name: 'mamori_events_stored_total', help: 'Signed events stored (verified evidence) from all agents and imports; rate() of it is the ingest rate.', registers: [registry],
    collect() { setTotal(this, snapshot.eventsStored); },
  });
  new Gauge({ name: 'mamori_projection_lag_events', help: 'Stored events not yet projected into query tables and alert rules.', registers: [registry], collect() { this.set(snapshot.projectionLagEvents); } });
  new Gauge({ name: 'mamori_projection_lag_seconds', help: 'Age of the oldest stored event not yet projected (0 when caught up).', registers: [registry], collect() { this.set(snapshot.projectionLagMs / 1000); } });
  new Gauge({ name: 'mamori_agents_enrolled', help: 'Agents enrolled and not retired.', registers: [registry], collect() { this.set(snapshot.agentsEnrolled); } });
  new Gauge({ name: 'mamori_agents_connected', help: 'Agents with an open stream to any collector sharing this database.', registers: [registry], collect() { this.set(snapshot.agentsConnected); } });
  new Gauge({ name: 'mamori_agents_connected_here', help: 'Agent streams open on this collector process.', registers: [registry], collect() { this.set(sources.connectedHere()); } });
  new Gauge({ name: 'mamori_journal_backlog_events', help: 'Events waiting in agents\' journals, summed over agents, as their last heartbeats reported.', registers: [registry], collect() { this.set(snapshot.journalBacklogSum); } });
  new Gauge({ name: 'mamori_journal_backlog_max_events', help: 'The largest journal backlog any one agent reported in its last heartbeat.', registers: [registry], collect() { this.set(snapshot.journalBacklogMax); } });
  new Gauge({ name: 'mamori_agents_with_backlog', help: 'Agents whose last heartbeat reported a non-empty journal backlog.', registers: [registry], collect() { this.set(snapshot.agentsWithBacklog); } });
  new Gauge({ name: 'mamori_notify_outbox_pending', help: 'Alert mails waiting for the SMTP server to accept them.', registers: [registry], collect() { this.set(snapshot.outboxPending); } });
  new Counter({
    name: 'mamori_integrity_findings_total', help: 'Integrity findings (forged signatures, chain breaks, gaps, forks …) by kind.', labelNames: ['kind'], registers: [registry],
    collect() { this.reset(); for (const f of snapshot.integrityFindings) this.inc({ kind: f.kind }, f.count); },
  });
  new Counter({
    name: 'mamori_siem_exported_events_total', help: 'Events delivered to each SIEM sink since it was configured.', labelNames: ['sink'], registers: [registry],
    collect() { for (const s of siem.statuses) setTotal(this, s.exported, { sink: s.name }); },
  });
  new Gauge({
    name: 'mamori_siem_lag_events', help: 'Stored events not yet delivered to (or skipped for) each SIEM sink (by event id).', labelNames: ['sink'], registers: [registry],
    collect() { this.reset(); for (const s of siem.statuses) this.set({ sink: s.name }, Math.max(0, siem.lastPosition - s.cursor)); },
  });
  new Gauge({
    name: 'mamori_siem_connected', help: '1 while the SIEM sink is connected (socket) or open (file).', labelNames: ['sink'], registers: [registry],
    collect() { this.reset(); for (const s of siem.statuses) this.set({ sink: s.name }, s.connected ? 1 : 0); },
  });
  return { registry, refresh };
}
