import type { Severity } from '@mamori/collector/api';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages-en.ts';

/** Fallback colours when the API gives none (dashboard totals); alerts carry their configured colour. */
export const severityColors: Record<Severity, string> = {
  critical: '#d32f2f', high: '#ef6c00', medium: '#f9a825', low: '#1976d2', info: '#757575',
};

const kindColors: Record<string, string> = {
  file_copy: '#6a1b9a', print_job: '#00695c', mail: '#1565c0', upload: '#c62828', device: '#ef6c00',
  policy_decision: '#4e342e', lifecycle: '#616161', inventory: '#616161', extension_health: '#616161', access_request: '#2e7d32',
};

/** Integrity finding kinds (alerts of rule integrity.<kind>); any kind not listed still shows, by its name. */
const integrityKinds = new Set([
  'signature_invalid', 'chain_mismatch', 'chain_break', 'fork', 'sequence_gap', 'journal_overflow', 'envelope_mismatch',
  'malformed_signed_event', 'out_of_order', 're_enrolled', 'stream_auth_failed', 'stream_unknown_agent',
  'journal_reset', 'seal_invalid', 'seal_reset', 'clock_behind', 'clock_ahead', 'hostname_takeover',
]);

export function kindColor(kind: string): string {
  return kindColors[kind] ?? (integrityKinds.has(kind) ? '#b71c1c' : '#616161');
}

/** A colour is only used if it looks like #rrggbb: it goes into a style, and styles are not a place for text. */
export function safeColor(color: string | undefined, fallback: string): string {
  return color && /^#[0-9a-fA-F]{6}$/.test(color) ? color : fallback;
}

export function SeverityBadge({ severity, color }: { severity: Severity; color?: string }) {
  const { t } = useI18n();
  const background = safeColor(color, severityColors[severity] ?? '#757575');
  return <span className="badge" data-severity={severity} style={{ background }}>{t(`severity.${severity}` as MessageKey)}</span>;
}

export function KindBadge({ kind }: { kind: string }) {
  const { t } = useI18n();
  const key = `kind.${kind}` as MessageKey;
  const label = t(key);
  return <span className="kind" style={{ borderColor: kindColor(kind), color: kindColor(kind) }}>{label === key ? kind : label}</span>;
}

export function OnlineDot({ online }: { online: boolean }) {
  const { t } = useI18n();
  return <span className={online ? 'dot online' : 'dot offline'}>{online ? t('pcs.online') : t('pcs.offline')}</span>;
}

export function ErrorBanner({ error }: { error: Error | undefined }) {
  const { t } = useI18n();
  if (!error) return null;
  return <div role="alert" className="error">{t('common.error', { message: error.message })}</div>;
}
