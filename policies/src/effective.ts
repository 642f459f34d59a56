import type { DeviceMode, PolicySet } from './schema/index.ts';

/** A temporary exception created in the collector (or by an offline unlock code) for one PC. */
export interface DeviceException {
  id: string;
  /** Only this stick, or any removable device when absent. */
  serial?: string;
  mode: DeviceMode;
  /** Agent-clock expiry, Unix ms. */
  untilMs: number;
  reason?: string;
  createdBy?: string;
}

/**
 * A temporary upload exception an admin granted from the console, API or CLI for one PC (optionally one user):
 * it lifts block/warn for one category or one domain until `untilMs`. Pushed with the PC's policy like a
 * device exception; revoking it pushes the policy again without it.
 */
export interface PushedUploadException {
  id: string;
  category?: string;
  domain?: string;
  /** Only for this OS user on the PC (absent: every user). */
  user?: string;
  untilMs: number;
  reason?: string;
  createdBy?: string;
}

export interface DeviceAllowEntry {
  name: string;
  vendor_id?: string;
  product_id?: string;
  serial?: string;
  mode: DeviceMode;
  users?: string[];
}

/** The policy one agent enforces: everything it needs, nothing about other PCs. */
export interface EffectivePolicy {
  version: number;
  pc: string;
  purpose: PolicySet['purpose'];
  device: { mode: DeviceMode; message: string; rule: string; allow: DeviceAllowEntry[]; exceptions: DeviceException[] };
  file_copy: PolicySet['file_copy'];
  print: PolicySet['print'];
  mail: PolicySet['mail'];
  upload: PolicySet['upload'];
  /** Upload exceptions granted in the collector for this PC (absent in policies pushed before they existed). */
  upload_exceptions?: PushedUploadException[];
  categories: PolicySet['categories'];
  /** Content inspection rules (absent in policies pushed before content inspection existed). */
  content?: PolicySet['content'];
}

/** Resolves the organisation's policy for one PC: PC override, else its first group, else the default. */
export function effectivePolicyFor(
  set: PolicySet, pc: string, version: number, exceptions: DeviceException[] = [], uploadExceptions: PushedUploadException[] = [],
): EffectivePolicy {
  let mode = set.device.default.mode;
  let message = set.device.default.message;
  let rule = 'device.default';
  const group = Object.entries(set.device.groups).find(([, g]) => g.pcs.includes(pc));
  if (group) {
    mode = group[1].mode ?? mode;
    message = group[1].message ?? message;
    rule = `device.groups.${group[0]}`;
  }
  const own = set.device.pcs[pc];
  if (own) {
    mode = own.mode ?? mode;
    message = own.message ?? message;
    rule = `device.pcs.${pc}`;
  }
  const allow = set.device.allow
    .filter((entry) => !entry.pcs || entry.pcs.includes(pc))
    .map(({ pcs: _pcs, ...entry }) => entry);
  return {
    version, pc, purpose: set.purpose,
    device: { mode, message, rule, allow, exceptions },
    file_copy: set.file_copy, print: set.print, mail: set.mail, upload: set.upload, categories: set.categories,
    content: set.content, ...(uploadExceptions.length > 0 ? { upload_exceptions: uploadExceptions } : {}),
  };
}
