import { useApi } from '../../api/api-context.tsx';
import { useAsync } from '../../components/use-async.ts';
import { useI18n } from '../../i18n/i18n.tsx';

/**
 * The collector's evidence-signing key, shown where auditors work: a verifier given only the key embedded in an
 * export proves nothing, so they note this one and pass it with --collector-key.
 */
export function EvidenceKeyPanel() {
  const api = useApi();
  const { t } = useI18n();
  const key = useAsync(() => api.evidenceKey(), [api]);
  if (!key.data) return null;
  return (
    <p className="muted" data-testid="evidence-key">
      {t('audit.evidenceKey')}: <code>{key.data.publicKey}</code>
      <br />
      {t('audit.evidenceKeyFingerprint')}: <code className="mono">{key.data.fingerprint}</code>
    </p>
  );
}
