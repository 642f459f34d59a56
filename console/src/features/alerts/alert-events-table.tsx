import type { AlertEvent } from '@mamori/collector/api';
import { ClockSkewBadge } from '../../components/clock-skew-badge.tsx';
import { KindBadge } from '../../components/badges.tsx';
import { PcText } from '../../components/pc-text.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { eventFactColumns, eventFacts } from './event-facts.ts';

/** The events that made an alert, one row each with what left, where to, how big, on which device, to whom. */
export function AlertEventsTable({ events }: { events: AlertEvent[] }) {
  const { t, formatDate, formatBytes } = useI18n();
  return (
    <table className="grid alert-events" data-testid="alert-events">
      <thead>
        <tr><th>{t('alertEvents.time')}</th><th>{t('alertEvents.kind')}</th><th>{t('common.user')}</th>{eventFactColumns.map((c) => <th key={c.key}>{t(c.label)}</th>)}</tr>
      </thead>
      <tbody>
        {events.map((event) => {
          const facts = eventFacts(event.kind, event.payload);
          return (
            <tr key={event.id} data-event-id={event.id}>
              <td className="nowrap">{formatDate(event.timeMs)} <ClockSkewBadge timeMs={event.timeMs} receivedMs={event.receivedMs} /></td>
              <td><KindBadge kind={event.kind} /></td>
              <td><PcText value={event.user} /></td>
              <td data-fact="file"><PcText value={facts.file} /></td>
              <td data-fact="destination"><PcText value={facts.destination} /></td>
              <td data-fact="size" className="num">{facts.sizeBytes === null ? '' : formatBytes(facts.sizeBytes)}</td>
              <td data-fact="device"><PcText value={facts.device} /></td>
              <td data-fact="recipients"><PcText value={facts.recipients} /></td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
