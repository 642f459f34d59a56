import { useI18n } from '../i18n/i18n.tsx';
import { clockSkew, skewAmount } from './clock-skew.ts';

/** Marks an event whose PC time is far from the collector's receive time (see clockSkew); nothing otherwise. */
export function ClockSkewBadge({ timeMs, receivedMs }: { timeMs: number; receivedMs: number | undefined }) {
  const { t, formatDate } = useI18n();
  const skew = clockSkew(timeMs, receivedMs);
  if (!skew) return null;
  const text = t(skew.direction === 'ahead' ? 'skew.ahead' : 'skew.late', { amount: skewAmount(skew.ms) });
  return <span className="badge skew" data-testid="clock-skew" title={t('skew.received', { at: formatDate(receivedMs) })}>{text}</span>;
}
