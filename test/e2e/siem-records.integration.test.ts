import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '@mamori/collector';
import { SiemConfigSchema } from '../../collector/src/siem/config.ts';
import { ecsFieldsUsed } from '../../collector/src/siem/ecs-fields.ts';
import { SinkExporter } from '../../collector/src/siem/exporter.ts';
import { RotatingFileSink } from '../../collector/src/siem/file-sink.ts';
import { SocketSink } from '../../collector/src/siem/socket-sink.ts';
import type { AlertCandidate } from '../../collector/src/store/repositories/alerts.ts';
import { tempDir, waitFor } from '../harness/collector.ts';
import { ensureRsyslog, startRsyslogTlsReceiver } from '../harness/rsyslog.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const haveRsyslog = ensureRsyslog();
const day = Date.UTC(2026, 10, 2);

const alert = (i: number, severity: AlertCandidate['severity']): AlertCandidate => ({
  ruleId: 'usb.copy_bulk', ruleName: 'USB への大量コピー', kind: 'file_copy', severity, color: '#d00', pc: `PC-${i}`, user: `user${i}`, agentId: `agent-${i}`,
  title: `USB へ ${i} 件コピー`, firstMs: day + i * 60_000, lastMs: day + i * 60_000, count: 1, eventIds: [], foldWindowMs: 1,
});

async function seed(store: SqliteStore, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i += 1) {
    await store.repos.alerts.record([alert(i, i % 3 === 0 ? 'low' : 'high')], day + i * 60_000);
    await store.appendAudit({ timeMs: day + i * 60_000, actor: i % 2 ? 'alice' : 'bob', action: 'exception.create', entry: { pc: `PC-${i}`, note: 'until "17:00"]' } });
  }
}

/** The structured-data params of a received RFC 5424 line from the collector. */
function params(line: string): Record<string, string> {
  const sd = /\[mamori@32473((?: [a-z_]+="(?:[^"\\]|\\.)*")+)\]/.exec(line);
  if (!sd) throw new Error(`no mamori structured data: ${line.slice(0, 200)}`);
  return Object.fromEntries([...sd[1]!.matchAll(/ ([a-z_]+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!.replace(/\\(.)/g, '$1')]));
}

/** Dotted field names of an ECS document (labels.* are custom keyword labels). */
function fieldNames(doc: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(doc).flatMap(([key, value]) => {
    const path = `${prefix}${key}`;
    if (path === 'labels') return ['labels'];
    return value && typeof value === 'object' && !Array.isArray(value) ? fieldNames(value as Record<string, unknown>, `${path}.`) : [path];
  });
}

describe.skipIf(!haveRsyslog)('SIEM export of alerts and audit entries', () => {
  it('rsyslog over TLS receives each alert (at or above min_severity) and each audit entry exactly once across an exporter restart', async () => {
    const rsyslog = await startRsyslogTlsReceiver(tempDir('rsyslog-records'));
    cleanups.push(() => rsyslog.stop());
    const dir = tempDir('siem-records');
    const store = new SqliteStore(join(dir, 'collector.db'));
    cleanups.push(() => store.close());
    await seed(store, 0, 30);
    const siem = SiemConfigSchema.parse({ sinks: [{
      name: 'soc', format: 'syslog', min_severity: 'medium', records: ['events', 'alerts', 'audit'],
      socket: { host: 'localhost', port: rsyslog.port, tls: { ca_file: rsyslog.caFile } },
    }] });
    const config = siem.sinks[0]!;
    const start = () => {
      const exporter = new SinkExporter({ config, siem, queries: store.repos.siem, records: store.repos.siemRecords, sink: new SocketSink(config.socket!) });
      exporter.start();
      return exporter;
    };
    let exporter = start();
    await waitFor(() => rsyslog.messages().length >= 20 + 30, 20_000, 'the first alerts and audit entries');
    await exporter.stop();
    await seed(store, 30, 60); // stored while no exporter runs: sent after the restart, from the cursors
    exporter = start();
    cleanups.push(() => exporter.stop());
    await waitFor(() => rsyslog.messages().length >= 40 + 60, 20_000, 'every alert and audit entry');
    await new Promise((resolve) => setTimeout(resolve, 1_200)); // a repeat would arrive now (the poll is 500 ms)

    const received = rsyslog.messages().map((line) => ({ line, p: params(line) }));
    const ids = received.map((r) => r.p.event_id!);
    expect(new Set(ids).size).toBe(ids.length);
    const alerts = received.filter((r) => r.p.record === 'alert');
    const audits = received.filter((r) => r.p.record === 'audit');
    // 60 alerts, every third one low: 40 at or above medium.
    expect(alerts.map((r) => Number(r.p.alert_id))).toEqual(Array.from({ length: 60 }, (_, i) => i + 1).filter((id) => (id - 1) % 3 !== 0));
    expect(audits.map((r) => Number(r.p.audit_id))).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    const first = alerts[0]!;
    expect(first.line).toMatch(/^<131>1 2026-11-02T00:01:00\.000Z PC-1 mamori - alert \[/); // local0.err: high
    expect(first.p).toMatchObject({ rule: 'usb.copy_bulk', rule_name: 'USB への大量コピー', pc: 'PC-1', user: 'user1', severity: 'high' });
    expect(first.line.endsWith('\uFEFFUSB へ 1 件コピー')).toBe(true);
    // The audit entry's JSON (with '"' and ']' escaped in the frame) and its chain hash, as the store holds them.
    const stored = (await store.repos.audit.listPage({ limit: 100 })).find((a) => a.id === 1)!;
    expect(audits[0]!.p).toMatchObject({ actor: stored.actor, action: 'exception.create', hash: stored.hash });
    expect(JSON.parse(audits[0]!.p.entry!)).toEqual(stored.entry);
    expect(audits[0]!.line).toMatch(/ mamori - audit \[.*\uFEFFbob exception\.create$/);
  }, 60_000);

  it('writes alerts and audit entries as ECS documents to a file sink, with ECS field names only', async () => {
    const dir = tempDir('siem-records-ecs');
    const store = new SqliteStore(join(dir, 'collector.db'));
    cleanups.push(() => store.close());
    await seed(store, 0, 5);
    const siem = SiemConfigSchema.parse({ sinks: [{ name: 'archive', format: 'ecs_json', records: ['alerts', 'audit'], file: { path: join(dir, 'ecs.ndjson') } }] });
    const config = siem.sinks[0]!;
    const exporter = new SinkExporter({ config, siem, queries: store.repos.siem, records: store.repos.siemRecords, sink: new RotatingFileSink(config.file!) });
    exporter.start();
    cleanups.push(() => exporter.stop());
    const lines = () => readFileSync(join(dir, 'ecs.ndjson'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    await waitFor(() => { try { return lines().length >= 10; } catch { return false; } }, 10_000, 'ten ECS lines');
    const docs = lines();
    for (const doc of docs) for (const field of fieldNames(doc)) expect(ecsFieldsUsed, field).toHaveProperty([field]);
    const kinds = docs.map((d) => `${(d.event as { kind: string }).kind}:${(d.event as { id: string }).id}`).sort();
    expect(kinds).toEqual([...[1, 2, 3, 4, 5].map((i) => `alert:alert:${i}`), ...[1, 2, 3, 4, 5].map((i) => `event:audit:${i}`)].sort());
    const alertDoc = docs.find((d) => (d.event as { id: string }).id === 'alert:2')!;
    expect(alertDoc).toMatchObject({ rule: { id: 'usb.copy_bulk' }, host: { name: 'PC-1' }, user: { name: 'user1' }, log: { level: 'high' } });
  }, 30_000);
});
