import type { Role } from '@mamori/collector/api';
import { ErrorBanner } from '../../components/badges.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { href } from '../../router.ts';
import { AccessRequestDecision } from './access-request-decision.tsx';
import { subjectLabel } from './device-label.ts';
import { useAccessRequestList } from './use-access-request-list.ts';
import { PcText } from '../../components/pc-text.tsx';

/** The PC page's pending requests, next to its device control; an approval shows up there as an exception. */
export function PcAccessRequests({ pc, role, onDecided, now }: { pc: string; role: Role; onDecided(): void; now?: () => number }) {
  const { t, formatDate } = useI18n();
  const list = useAccessRequestList({ status: 'pending', pc }, onDecided);
  const canAct = role !== 'auditor';
  if (list.requests.length === 0 && !list.conflict && !list.error) return null;
  return (
    <div className="panel" data-testid="pc-access-requests">
      <h3>{t('requests.pendingOnPc')}</h3>
      {list.conflict ? <p role="status" className="error">{t('requests.conflict')}</p> : null}
      <ErrorBanner error={list.error} />
      <ul className="compact">
        {list.requests.map((request) => (
          <li key={request.id} data-request-id={request.id}>
            <div>{formatDate(request.timeMs)} · {request.user}</div>
            <div>{subjectLabel(request, t)}</div>
            <div className="muted"><PcText value={request.reason} /></div>
            {canAct && list.acting?.id !== request.id ? (
              <div className="row">
                <button type="button" onClick={() => list.start(request.id, 'approve')}>{t('requests.approve')}</button>
                <button type="button" onClick={() => list.start(request.id, 'decline')}>{t('requests.decline')}</button>
              </div>
            ) : null}
            {list.acting?.id === request.id ? (
              <AccessRequestDecision request={request} decision={list.acting.decision} onDone={list.finish} onCancel={list.cancel} {...(now ? { now } : {})} />
            ) : null}
          </li>
        ))}
      </ul>
      <a href={href(['requests'], { pc })}>{t('nav.requests')}</a>
    </div>
  );
}
