import { randomBytes } from 'node:crypto';
import type { PushedUploadException } from '@mamori/policies';
import { unknownPcMessage } from '../device-control/did-you-mean.ts';
import { CollectorError } from '../errors.ts';
import type { UploadExceptionRow, UploadExceptionsRepository } from '../store/repositories/upload-exceptions.ts';
import type { Store } from '../store/store.ts';

/** What an admin grants: one PC (optionally one user on it), one category or one domain, until a time. */
export interface UploadExceptionGrant {
  pc: string;
  user?: string | undefined;
  category?: string | undefined;
  domain?: string | undefined;
  untilMs: number;
  reason: string;
}

export interface UploadExceptionDeps {
  repo: UploadExceptionsRepository;
  store: Pick<Store, 'appendAudit'>;
  /** Every PC name the collector knows (a grant for a mistyped PC is refused with "did you mean"). */
  pcNames: () => Promise<string[]>;
  /** Destination categories of the current policy (a grant names one of them). */
  categories: () => string[];
  now: () => number;
}

/** The longest an exception may last: a temporary exception, not a policy change. */
export const maxUploadExceptionMs = 30 * 24 * 3_600_000;
const domainPattern = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Grants a temporary upload exception (console, API, CLI in another process: the running collector's watcher
 * sees the change row and pushes the PC's policy; the agent hands the extension the new rules at once).
 * Bad input is a COLLECTOR_QUERY_INVALID / COLLECTOR_NOT_FOUND naming the field; nothing is stored then.
 */
export async function grantUploadException(deps: UploadExceptionDeps, grant: UploadExceptionGrant, actor: string): Promise<UploadExceptionRow> {
  const nowMs = deps.now();
  const domain = grant.domain?.trim().toLowerCase().replace(/\.$/, '');
  if ((grant.category === undefined) === (domain === undefined)) {
    throw new CollectorError('COLLECTOR_QUERY_INVALID', 'name exactly one of category or domain');
  }
  if (domain !== undefined && !domainPattern.test(domain)) {
    throw new CollectorError('COLLECTOR_QUERY_INVALID', `domain: "${grant.domain}" is not a domain name like firestorage.jp (no scheme, port or path)`);
  }
  if (grant.category !== undefined && !deps.categories().includes(grant.category)) {
    throw new CollectorError('COLLECTOR_QUERY_INVALID', `category: "${grant.category}" is not a category of the current policy (${deps.categories().join(', ')})`);
  }
  if (!(grant.untilMs > nowMs)) throw new CollectorError('COLLECTOR_QUERY_INVALID', 'untilMs: must be in the future');
  if (grant.untilMs > nowMs + maxUploadExceptionMs) throw new CollectorError('COLLECTOR_QUERY_INVALID', 'untilMs: at most 30 days ahead');
  const known = await deps.pcNames();
  if (!known.includes(grant.pc)) throw new CollectorError('COLLECTOR_NOT_FOUND', unknownPcMessage(grant.pc, known));
  const row: UploadExceptionRow = {
    id: `upx_${randomBytes(6).toString('hex')}`, pc: grant.pc, user: grant.user ?? null, category: grant.category ?? null,
    domain: domain ?? null, untilMs: grant.untilMs, reason: grant.reason, createdBy: actor, createdMs: nowMs, revokedMs: null, revokedBy: null,
  };
  await deps.repo.create(row);
  await deps.store.appendAudit({ timeMs: nowMs, actor, action: 'upload_exception.create', entry: { ...row } });
  return row;
}

/** Ends an exception now. COLLECTOR_NOT_FOUND for an unknown id, COLLECTOR_CONFLICT when it already ended. */
export async function revokeUploadException(deps: Pick<UploadExceptionDeps, 'repo' | 'store' | 'now'>, id: string, actor: string): Promise<UploadExceptionRow> {
  const nowMs = deps.now();
  const revoked = await deps.repo.revoke(id, actor, nowMs);
  if (!revoked) {
    const known = await deps.repo.find(id);
    if (!known) throw new CollectorError('COLLECTOR_NOT_FOUND', `no upload exception with id ${id}`);
    throw new CollectorError('COLLECTOR_CONFLICT', `upload exception ${id} is no longer active (${known.revokedMs !== null ? 'already revoked' : 'ended'})`);
  }
  await deps.store.appendAudit({ timeMs: nowMs, actor, action: 'upload_exception.revoke', entry: { id, pc: revoked.pc, category: revoked.category, domain: revoked.domain, untilMs: revoked.untilMs } });
  return revoked;
}

/** The form the agent receives in its effective policy. */
export function toPushedUploadException(row: UploadExceptionRow): PushedUploadException {
  return {
    id: row.id, untilMs: row.untilMs, reason: row.reason, createdBy: row.createdBy,
    ...(row.category ? { category: row.category } : {}), ...(row.domain ? { domain: row.domain } : {}), ...(row.user ? { user: row.user } : {}),
  };
}
