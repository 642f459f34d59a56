import type { AccessRequest } from '@mamori/collector/api';
import { useI18n } from '../../i18n/i18n.tsx';

/** Pending, or who decided, until when, and the note they left. */
export function AccessRequestStatus({ request }: { request: AccessRequest }) {
  const { t, formatDate } = useI18n();
  const by = request.decidedBy ?? '—';
  return (
    <span data-status={request.status}>
      {request.status === 'pending' ? <strong>{t('requests.pending')}</strong> : null}
      {request.status === 'approved' ? t('requests.approvedUntil', { by, until: formatDate(request.untilMs) }) : null}
      {request.status === 'declined' ? t('requests.declinedBy', { by }) : null}
      {request.decidedMs !== null ? <div className="muted">{formatDate(request.decidedMs)}</div> : null}
      {request.note ? <div className="muted">“{request.note}”</div> : null}
    </span>
  );
}
