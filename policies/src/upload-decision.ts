import type { Categories } from './schema/categories.ts';
import type { UploadPolicy } from './schema/upload.ts';
import type { UploadMode } from './schema/upload-enforcement.ts';
import type { PushedUploadException } from './effective.ts';

/** A mode and the policy entry it came from (e.g. "upload.enforcement.pcs.PC-7.domains.firestorage.jp"). */
export interface RuledMode {
  mode: UploadMode;
  rule: string;
}

/**
 * The upload rules one user on one PC is under, flattened: what the agent hands the browser extension, which
 * decides with the same algorithm as `decideUpload` (browser-extension/policy.js mirrors it).
 */
export interface UploadRuleTable {
  categories: Categories;
  ownCategory: string;
  uncategorised: string;
  categoryModes: Record<string, RuledMode>;
  domainModes: Record<string, RuledMode>;
  allowDomains: string[];
  exceptions: { category?: string; domain?: string; untilMs: number; reason: string; rule: string }[];
  contact: { ja: string; en: string };
}

export interface UploadDecision {
  mode: UploadMode;
  category: string;
  rule: string;
  /** Set when a temporary exception lifted a block or warning: when it ends. */
  exceptionUntilMs?: number;
}

/**
 * Resolves organisation → group → PC → user for one PC and user; exceptions already expired are left out.
 * `pushed`: exceptions granted in the collector for this PC (EffectivePolicy.upload_exceptions), named by their id.
 */
export function uploadRulesFor(
  policy: UploadPolicy, categories: Categories, pc: string, user: string, nowMs: number, pushed: readonly PushedUploadException[] = [],
): UploadRuleTable {
  const e = policy.enforcement;
  const categoryModes: Record<string, RuledMode> = {};
  const domainModes: Record<string, RuledMode> = {};
  for (const name of policy.block_categories) categoryModes[name] = { mode: 'block', rule: `upload.block_categories.${name}` };
  const overlay = (scope: { categories: Record<string, UploadMode>; domains: Record<string, UploadMode> }, prefix: string) => {
    for (const [name, mode] of Object.entries(scope.categories)) categoryModes[name] = { mode, rule: `${prefix}.categories.${name}` };
    for (const [domain, mode] of Object.entries(scope.domains)) domainModes[domain] = { mode, rule: `${prefix}.domains.${domain}` };
  };
  overlay(e, 'upload.enforcement');
  const group = Object.entries(e.groups).find(([, g]) => g.pcs.includes(pc));
  if (group) overlay(group[1], `upload.enforcement.groups.${group[0]}`);
  if (e.pcs[pc]) overlay(e.pcs[pc], `upload.enforcement.pcs.${pc}`);
  if (e.users[user]) overlay(e.users[user], `upload.enforcement.users.${user}`);
  const exceptions = e.exceptions
    .map((x, index) => ({ x, index, untilMs: Date.parse(x.until) }))
    .filter(({ x, untilMs }) => untilMs > nowMs && (!x.pcs || x.pcs.includes(pc)) && (!x.users || x.users.includes(user)))
    .map(({ x, index, untilMs }) => ({
      ...(x.category ? { category: x.category } : {}), ...(x.domain ? { domain: x.domain } : {}),
      untilMs, reason: x.reason, rule: `upload.enforcement.exceptions.${index}`,
    }));
  for (const x of pushed) {
    if (x.untilMs <= nowMs || (x.user !== undefined && x.user !== user)) continue;
    exceptions.push({
      ...(x.category ? { category: x.category } : {}), ...(x.domain ? { domain: x.domain } : {}),
      untilMs: x.untilMs, reason: x.reason ?? '', rule: `upload.exceptions.${x.id}`,
    });
  }
  return {
    categories, ownCategory: policy.own_category, uncategorised: policy.uncategorised, categoryModes, domainModes,
    allowDomains: e.allow_domains, exceptions, contact: e.contact,
  };
}

/** The longest listed domain that equals the host or is a parent of it. */
function longestMatch(host: string, domains: Iterable<string>): string | undefined {
  let best: string | undefined;
  for (const domain of domains) {
    if ((host === domain || host.endsWith(`.${domain}`)) && domain.length > (best?.length ?? 0)) best = domain;
  }
  return best;
}

/** The destination category of a host (longest matching domain across categories). */
export function categoryOf(host: string, table: Pick<UploadRuleTable, 'categories' | 'uncategorised'>): string {
  let best = '';
  let category = table.uncategorised;
  for (const [name, domains] of Object.entries(table.categories)) {
    const match = longestMatch(host, domains);
    if (match && match.length > best.length) {
      best = match;
      category = name;
    }
  }
  return category;
}

/**
 * What to do with a file entering a page of `host`. Order: allow-listed domain; the organisation's own category;
 * the domain rule, else the category rule (none: allow); then a live exception lifts block or warn.
 */
export function decideUpload(table: UploadRuleTable, rawHost: string, nowMs: number): UploadDecision {
  const host = rawHost.toLowerCase().replace(/\.$/, '');
  const category = categoryOf(host, table);
  const allowed = longestMatch(host, table.allowDomains);
  if (allowed) return { mode: 'allow', category, rule: `upload.enforcement.allow_domains.${allowed}` };
  if (category === table.ownCategory) return { mode: 'allow', category, rule: `upload.own_category.${category}` };
  const domain = longestMatch(host, Object.keys(table.domainModes));
  const ruled = domain ? table.domainModes[domain]! : table.categoryModes[category] ?? { mode: 'allow' as const, rule: 'upload.enforcement.default' };
  if (ruled.mode === 'block' || ruled.mode === 'warn') {
    const exception = table.exceptions.find((x) => x.untilMs > nowMs
      && (x.category === category || (x.domain !== undefined && (host === x.domain || host.endsWith(`.${x.domain}`)))));
    if (exception) return { mode: 'allow', category, rule: exception.rule, exceptionUntilMs: exception.untilMs };
  }
  return { mode: ruled.mode, category, rule: ruled.rule };
}
