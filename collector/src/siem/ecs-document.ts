import type { Ecs } from '@elastic/ecs';
import type { Event__Output } from '@mamori/proto';
import { summariseEvent } from '../store/sqlite/indexers/log-entry.ts';
import type { StoredEvent } from '../store/types.ts';
import type { Severity } from './config.ts';
import { ECS_VERSION } from './ecs-fields.ts';
import { recordsABlock, syslogSeverityCode } from './severity.ts';

type Categorisation = Pick<NonNullable<Ecs['event']>, 'category' | 'type' | 'action' | 'outcome' | 'kind'>;
type Labels = Record<string, string>;

const baseName = (path: string): string => path.split(/[\\/]/).filter(Boolean).at(-1) ?? path;
const dirName = (path: string): string => path.slice(0, Math.max(0, path.length - baseName(path).length)).replace(/[\\/]$/, '');
const text = (value: string | undefined | null): string | undefined => (value ? value : undefined);
const list = (values: string[]): string[] | undefined => (values.length ? values : undefined);

/** ECS categorisation per event kind (allowed values: ecs-fields.ts). */
function categorise(kind: string, event: Event__Output | undefined): Categorisation {
  const blocked = recordsABlock(event);
  const outcome = blocked ? 'failure' : 'success';
  if (event?.fileCopy) return { kind: 'event', category: ['file'], type: [event.fileCopy.operation === 'modified' ? 'change' : 'creation'], action: `file-${event.fileCopy.operation || 'copied'}`, outcome };
  if (event?.printJob) return { kind: 'event', category: ['host'], type: [blocked ? 'denied' : 'access'], action: `print-${event.printJob.action || event.printJob.state}`, outcome };
  if (event?.mail) return { kind: 'event', category: ['email'], type: [blocked ? 'denied' : 'info'], action: `mail-${event.mail.verdict}`, outcome: event.mail.verdict === 'failed' ? 'failure' : outcome };
  if (event?.upload) return { kind: 'event', category: ['web'], type: ['access'], action: 'file-upload', outcome };
  if (event?.device) {
    const action = String(event.device.action).toLowerCase();
    const type = blocked ? 'denied' : ['attached', 'mounted'].includes(action) ? 'start' : ['detached', 'unmounted'].includes(action) ? 'end' : 'allowed';
    return { kind: 'event', category: ['host'], type: [type], action: `device-${action}`, outcome };
  }
  if (event?.policyDecision) return { kind: 'event', category: ['configuration'], type: [blocked ? 'denied' : 'info'], action: `policy-${event.policyDecision.decision}`, outcome };
  if (event?.lifecycle) {
    const action = String(event.lifecycle.kind).toLowerCase();
    return { kind: 'event', category: ['process'], type: [action === 'started' ? 'start' : action === 'stopped' || action === 'uninstalled' ? 'end' : 'info'], action: `agent-${action}`, outcome: 'success' };
  }
  if (event?.inventory) return { kind: 'state', category: ['host'], type: ['info'], action: 'inventory', outcome: 'success' };
  if (event?.extensionHealth) return { kind: 'state', category: ['configuration'], type: ['info'], action: 'browser-extension-health', outcome: event.extensionHealth.alive ? 'success' : 'failure' };
  if (event?.accessRequest) return { kind: 'event', category: ['iam'], type: ['access'], action: `access-request-${String(event.accessRequest.state).toLowerCase()}`, outcome: 'success' };
  if (event?.importedRecord) {
    const r = event.importedRecord;
    return { kind: 'event', category: ['database'], type: ['access'], action: r.action || r.eventKind, outcome: r.outcome === 'success' || r.outcome === 'failure' ? r.outcome : 'unknown' };
  }
  return { kind: 'event', category: ['host'], type: ['info'], action: kind || 'unknown', outcome: 'unknown' };
}

/** The fields specific to each kind: files, devices, mail, URLs and labels for what ECS has no field for. */
function details(event: Event__Output | undefined): { doc: Partial<Ecs>; labels: Labels } {
  const labels: Labels = {};
  if (!event) return { doc: {}, labels };
  if (event.fileCopy) {
    const c = event.fileCopy;
    labels.destination_kind = c.destinationKind;
    if (c.sourcePath) labels.source_path = c.sourcePath;
    return {
      doc: {
        file: { path: c.destinationPath, name: baseName(c.destinationPath), directory: dirName(c.destinationPath), size: Number(c.sizeBytes), ...(c.sha256 ? { hash: { sha256: c.sha256 } } : {}) },
        ...(c.device ? { device: usbDevice(c.device) } : {}),
      },
      labels,
    };
  }
  if (event.printJob) {
    const p = event.printJob;
    Object.assign(labels, { printer: p.printer, pages: String(p.pages), copies: String(p.copies), print_state: p.state, spooler: p.spooler });
    return { doc: { file: { name: p.documentName, size: Number(p.sizeBytes) }, ...(p.rule ? { rule: { name: p.rule } } : {}) }, labels };
  }
  if (event.mail) {
    const m = event.mail;
    const address = (values: string[]) => (values.length ? { address: values } : undefined);
    return {
      doc: {
        email: {
          ...(m.from ? { from: { address: [m.from] } } : {}), to: address(m.to), cc: address(m.cc), bcc: address(m.bcc),
          subject: text(m.subject), message_id: text(m.messageId),
          attachments: m.attachments.length ? m.attachments.map((a) => ({ file: { name: a.fileName, size: Number(a.sizeBytes), mime_type: a.contentType, ...(a.sha256 ? { hash: { sha256: a.sha256 } } : {}) } })) : undefined,
        },
        ...(m.rule ? { rule: { name: m.rule } } : {}),
      },
      labels,
    };
  }
  if (event.upload) {
    const u = event.upload;
    Object.assign(labels, { upload_category: u.category, upload_method: u.method });
    return {
      doc: {
        file: { name: u.fileName, size: Number(u.sizeBytes), ...(u.localPath ? { path: u.localPath } : {}), ...(u.sha256 ? { hash: { sha256: u.sha256 } } : {}) },
        url: { full: u.destinationUrl || u.pageUrl, domain: u.destinationHost },
        ...(u.browser ? { user_agent: { name: u.browser } } : {}),
      },
      labels,
    };
  }
  if (event.device) {
    const d = event.device;
    if (d.mountPoint) labels.mount_point = d.mountPoint;
    if (d.label) labels.volume_label = d.label;
    return { doc: { ...(d.device ? { device: usbDevice(d.device) } : {}), ...(d.rule ? { rule: { name: d.rule } } : {}) }, labels };
  }
  if (event.policyDecision) {
    const p = event.policyDecision;
    labels.policy_subject = p.subject;
    return { doc: { ...(p.rule ? { rule: { name: p.rule } } : {}) }, labels };
  }
  if (event.importedRecord) {
    const r = event.importedRecord;
    Object.assign(labels, { import_mapping: r.mapping, import_kind: r.eventKind, import_file_sha256: r.fileSha256, import_line: String(r.line) });
    if (r.target) labels.import_target = r.target;
    for (const [name, value] of Object.entries(r.fields)) labels[`field_${name}`] = value;
    return { doc: { event: { provider: r.source } }, labels };
  }
  return { doc: {}, labels };
}

function usbDevice(d: NonNullable<NonNullable<Event__Output['device']>['device']>): NonNullable<Ecs['device']> {
  return {
    id: `${d.vendorId}:${d.productId}`, serial_number: text(d.serial), type: 'usb',
    vendor: { id: d.vendorId, ...(d.vendor ? { name: d.vendor } : {}) }, product: { id: d.productId, ...(d.product ? { name: d.product } : {}) },
  };
}

/** Drops undefined and empty values so every line carries only fields that say something. */
function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      const pruned = prune(inner);
      if (pruned === undefined || pruned === '' || (typeof pruned === 'object' && pruned !== null && !Array.isArray(pruned) && Object.keys(pruned).length === 0)) continue;
      out[key] = pruned;
    }
    return out;
  }
  return value;
}

/**
 * One stored event as an Elastic Common Schema document (field names and types: ecs-fields.ts). `event.id` is
 * "agent:seq", stable across re-exports, so a receiver can recognise a repeat; `event.hash` is the event's hash
 * in its agent's chain, which ties the line to the evidence an export can prove.
 */
export function toEcsDocument(stored: StoredEvent, event: Event__Output | undefined, severity: Severity): Ecs {
  const category = categorise(stored.kind, event);
  const { doc, labels } = details(event);
  const line = event ? summariseEvent(event) : undefined;
  const importedSummary = event?.importedRecord ? [event.importedRecord.action, event.importedRecord.target].filter(Boolean).join(' ') : '';
  const base: Ecs = {
    '@timestamp': new Date(stored.timeMs).toISOString(),
    ecs: { version: ECS_VERSION },
    message: line ? [line.action, line.summary, line.detail].filter(Boolean).join(' · ') : importedSummary || `${stored.kind} event`,
    event: {
      ...category, ...doc.event, id: `${stored.agentId}:${stored.seq}`, sequence: stored.seq, module: 'mamori', dataset: `mamori.${stored.kind || 'unknown'}`,
      severity: syslogSeverityCode[severity], ingested: new Date(stored.receivedMs).toISOString(), hash: stored.hash.toString('hex'),
    },
    log: { level: severity },
    host: { name: stored.pc, hostname: stored.pc },
    user: { name: text(stored.user) },
    agent: { id: stored.agentId, type: 'mamori', name: stored.pc },
    related: { user: list(stored.user ? [stored.user] : []), hosts: list(stored.pc ? [stored.pc] : []), hash: list([doc.file?.hash?.sha256].filter((h): h is string => !!h)) },
    labels: { ...labels, mamori_kind: stored.kind, mamori_severity: severity },
  };
  const { event: _event, ...rest } = doc;
  return prune({ ...base, ...rest, event: base.event }) as Ecs;
}
