import { Fragment, useState } from 'react';
import type { AccessRequestStatus as Status, Role } from '../../api/types.ts';
import { ErrorBanner } from '../../components/badges.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { href } from '../../router.ts';
import { AccessRequestDecision } from './access-request-decision.tsx';
import { AccessRequestStatus } from './access-request-status.tsx';
import { subjectLabel } from './device-label.ts';
import { useAccessRequestList } from './use-access-request-list.ts';
import { PcText } from '../../components/pc-text.tsx';

/** Employees' requests to use a blocked device or upload to a blocked site: pending first by default; operators and admins decide. */
export function AccessRequestsView({ role, pc = '', now }: { role: Role; pc?: string; now?: () => number }) {
  const { t, formatDate } = useI18n();
  const [status, setStatus] = useState<Status | ''>('pending');
  const [pcDraft, setPcDraft] = useState(pc);
  const [pcFilter, setPcFilter] = useState(pc);
  const list = useAccessRequestList({ status, pc: pcFilter });
  const canAct = role !== 'auditor';

  return (
    <section>
      <header className="view-header"><h2>{t('requests.title')}</h2></header>
      <form className="filters" onSubmit={(e) => { e.preventDefault(); setPcFilter(pcDraft.trim()); }}>
        <select aria-label={t('requests.status')} value={status} onChange={(e) => setStatus(e.target.value as Status | '')}>
          <option value="pending">{t('requests.pending')}</option>
          <option value="approved">{t('requests.approved')}</option>
          <option value="declined">{t('requests.declined')}</option>
          <option value="">{t('common.all')}</option>
        </select>
        <input aria-label={t('common.pc')} placeholder={t('common.pc')} value={pcDraft} onChange={(e) => setPcDraft(e.target.value)} />
        <button type="submit">{t('common.apply')}</button>
        <button type="button" onClick={list.reload}>{t('requests.refresh')}</button>
      </form>
      {list.conflict ? <p role="status" className="error">{t('requests.conflict')}</p> : null}
      <ErrorBanner error={list.error} />
      <table className="grid requests">
        <thead>
          <tr><th>{t('common.time')}</th><th>{t('common.pc')}</th><th>{t('common.user')}</th><th>{t('requests.subject')}</th>
            <th>{t('requests.reason')}</th><th>{t('requests.status')}</th><th /></tr>
        </thead>
        <tbody>
          {list.requests.map((request) => (
            <Fragment key={request.id}>
              <tr data-request-id={request.id}>
                <td className="nowrap">{formatDate(request.timeMs)}</td>
                <td><a href={href(['pcs', request.pc], { around: request.timeMs })}><PcText value={request.pc} /></a></td>
                <td><PcText value={request.user} /></td>
                <td>{subjectLabel(request, t)}</td>
                <td className="title"><PcText value={request.reason} />{request.blockedRule ? <div className="muted">{request.blockedRule}</div> : null}</td>
                <td><AccessRequestStatus request={request} /></td>
                <td className="actions nowrap">
                  {canAct && request.status === 'pending' ? (
                    <>
                      <button type="button" onClick={() => list.start(request.id, 'approve')}>{t('requests.approve')}</button>
                      <button type="button" onClick={() => list.start(request.id, 'decline')}>{t('requests.decline')}</button>
                    </>
                  ) : null}
                </td>
              </tr>
              {list.acting?.id === request.id ? (
                <tr className="action-row"><td colSpan={7}>
                  <AccessRequestDecision request={request} decision={list.acting.decision} onDone={list.finish} onCancel={list.cancel} {...(now ? { now } : {})} />
                </td></tr>
              ) : null}
            </Fragment>
          ))}
        </tbody>
      </table>
      {list.requests.length === 0 && !list.loading && !list.error ? <p className="muted">{t('common.none')}</p> : null}
      {canAct ? null : <p className="muted">{t('common.readOnly')}</p>}
    </section>
  );
}
