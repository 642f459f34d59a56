import type { PcSensorHealth } from '@mamori/collector/api';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-en.ts';

const knownSensors = new Set(['usb', 'file-copy', 'print', 'mail', 'upload', 'inventory']);
const knownStates = new Set(['running', 'degraded', 'unsupported', 'stopped']);

/** "Mail monitoring" for a sensor name the console knows; the raw name otherwise. */
export function useSensorLabel(): (name: string) => string {
  const { t } = useI18n();
  return (name) => (knownSensors.has(name) ? t(`sensor.${name}` as MessageKey) : name);
}

/** What each of this PC's sensors is doing as its agent last reported, with the reason when one is not running. */
export function SensorHealthPanel({ health }: { health: PcSensorHealth }) {
  const { t, formatDate } = useI18n();
  const label = useSensorLabel();
  return (
    <div className="panel sensor-health">
      <h3>{t('sensors.title')}</h3>
      {health.sensors.length === 0 ? <p className="muted">{t('sensors.none')}</p> : (
        <ul className="compact">{health.sensors.map((s) => (
          <li key={s.name} data-sensor={s.name} data-state={s.state} className={s.state === 'running' ? '' : 'hot'}>
            <strong>{label(s.name)}</strong>: {knownStates.has(s.state) ? t(`sensorState.${s.state}` as MessageKey) : s.state}
            {s.sinceMs !== null ? <span className="muted"> {t('sensors.since', { time: formatDate(s.sinceMs) })}</span> : null}
            {s.state !== 'running' ? <div className="muted" data-testid="sensor-reason">{s.detail}</div> : null}
          </li>
        ))}</ul>
      )}
    </div>
  );
}
