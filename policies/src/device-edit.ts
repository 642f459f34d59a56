import { isMap, isSeq, parseDocument, YAMLMap, type Document } from 'yaml';
import type { DeviceMode } from './schema/index.ts';
import type { PolicySource } from './load.ts';

/**
 * Edits of the device section made from the console or API ("make this PC read-only", "register this stick"):
 * they rewrite the YAML source that holds `device:` in place, keeping every comment and every other key, so the
 * result is an ordinary policy version (diffable, roll-backable) and the YAML stays the single source of truth.
 * Pure: callers validate and publish the returned sources.
 */

/** Where a PC's or group's device mode is set; `inherit` removes the override. */
export type DeviceModeScope = { kind: 'pc'; name: string } | { kind: 'group'; name: string };

/** A company stick registered from a device seen on a PC. */
export interface RegisteredStick {
  name: string;
  serial: string;
  vendor_id?: string;
  product_id?: string;
  mode: DeviceMode;
  pcs?: string[];
  users?: string[];
}

export class DevicePolicyEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DevicePolicyEditError';
  }
}

/** Sets (or with `inherit` removes) the device mode of one PC or group. Groups must already exist. */
export function setDeviceMode(sources: PolicySource[], scope: DeviceModeScope, mode: DeviceMode | 'inherit'): PolicySource[] {
  return editDevice(sources, (doc) => {
    if (scope.kind === 'pc') {
      if (mode === 'inherit') {
        doc.deleteIn(['device', 'pcs', scope.name, 'mode']);
        const left = doc.getIn(['device', 'pcs', scope.name]);
        if (isMap(left) && left.items.length === 0) doc.deleteIn(['device', 'pcs', scope.name]);
        return;
      }
      ensureMap(doc, ['device', 'pcs']);
      if (!isMap(doc.getIn(['device', 'pcs', scope.name]))) doc.setIn(['device', 'pcs', scope.name], doc.createNode({}));
      doc.setIn(['device', 'pcs', scope.name, 'mode'], mode);
      return;
    }
    if (!isMap(doc.getIn(['device', 'groups', scope.name]))) throw new DevicePolicyEditError(`no group named ${scope.name} in the device policy`);
    if (mode === 'inherit') doc.deleteIn(['device', 'groups', scope.name, 'mode']);
    else doc.setIn(['device', 'groups', scope.name, 'mode'], mode);
  });
}

/** Adds a stick to the allow-list; a stick already listed by the same serial is replaced (re-registration). */
export function registerStick(sources: PolicySource[], stick: RegisteredStick): PolicySource[] {
  return editDevice(sources, (doc) => {
    ensureSeq(doc, ['device', 'allow']);
    const allow = doc.getIn(['device', 'allow']);
    if (!isSeq(allow)) throw new DevicePolicyEditError('device.allow is not a list');
    const entry: Record<string, unknown> = { name: stick.name };
    if (stick.vendor_id) entry.vendor_id = stick.vendor_id;
    if (stick.product_id && stick.vendor_id) entry.product_id = stick.product_id;
    entry.serial = stick.serial;
    entry.mode = stick.mode;
    if (stick.pcs && stick.pcs.length > 0) entry.pcs = stick.pcs;
    if (stick.users && stick.users.length > 0) entry.users = stick.users;
    const existing = allow.items.findIndex((item) => isMap(item) && String(item.get('serial')) === stick.serial);
    const node = doc.createNode(entry);
    if (node instanceof YAMLMap) node.flow = true;
    if (existing >= 0) allow.items[existing] = node;
    else allow.items.push(node);
    allow.flow = false;
  });
}

function editDevice(sources: PolicySource[], edit: (doc: Document) => void): PolicySource[] {
  const index = sources.findIndex((source) => /^device\s*:/m.test(source.text));
  if (index < 0) throw new DevicePolicyEditError('no policy file defines the device section');
  const source = sources[index]!;
  const doc = parseDocument(source.text);
  if (doc.errors.length > 0) throw new DevicePolicyEditError(`${source.name} does not parse: ${doc.errors[0]!.message.split('\n')[0]}`);
  edit(doc);
  const next = [...sources];
  next[index] = { ...source, text: doc.toString({ lineWidth: 0 }) };
  return next;
}

function ensureMap(doc: Document, path: string[]): void {
  const node = doc.getIn(path, true);
  if (isMap(node)) {
    node.flow = false; // `pcs: {}` becomes a block map once it has entries
    return;
  }
  doc.setIn(path, doc.createNode({}));
}

function ensureSeq(doc: Document, path: string[]): void {
  if (!isSeq(doc.getIn(path, true))) doc.setIn(path, doc.createNode([]));
}
