import { useApi } from '../../api/api-context.tsx';
import type { Role } from '@mamori/collector/api';
import { ErrorBanner, OnlineDot } from '../../components/badges.tsx';
import { useAsync } from '../../components/use-async.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { PcAccessRequests } from '../access-requests/pc-access-requests.tsx';
import { DevicePanel } from './device-panel.tsx';
import { UploadExceptionPanel } from './upload-exception-panel.tsx';
import { DeviceModeControl } from './device-mode-control.tsx';
import { DevicesSeenPanel } from './devices-seen-panel.tsx';
import { SensorHealthPanel } from './sensor-health-panel.tsx';
import { HistoryTimeline } from './history-timeline.tsx';
import { InventoryPanel } from './inventory-panel.tsx';
import { PcText } from '../../components/pc-text.tsx';

/** One PC: status, device control, inventory and its history timeline. */
export function PcView({ pc, role, around, at }: { pc: string; role: Role; around?: number | undefined; at?: number | undefined }) {
  const api = useApi();
  const { t, formatDate } = useI18n();
  const detail = useAsync(() => api.pc(pc), [api, pc]);
  const control = useAsync(() => api.deviceControl(pc), [api, pc]);
  const sensors = useAsync(() => api.pcSensors(pc), [api, pc]);
  const reload = () => { detail.reload(); control.reload(); };
  const info = detail.data?.pc;
  return (
    <section>
      <header className="view-header">
        <h2><PcText value={pc} /></h2>
        {info ? <span className="muted"><OnlineDot online={info.connected} /> · {info.os} · {info.currentUser} · {t('pcs.lastSeen')} {formatDate(info.lastSeenMs)}</span> : null}
      </header>
      <ErrorBanner error={detail.error} />
      <div className="pc-layout">
        <HistoryTimeline pc={pc} around={around} at={at} />
        <aside>
          <PcAccessRequests pc={pc} role={role} onDecided={reload} />
          {sensors.data ? <SensorHealthPanel health={sensors.data} /> : null}
          {control.data ? <DeviceModeControl view={control.data} role={role} onChanged={reload} /> : null}
          {detail.data ? <DevicePanel detail={detail.data} role={role} onChanged={reload} exceptions={control.data?.exceptions} /> : null}
          <UploadExceptionPanel pc={pc} role={role} />
          {control.data ? <DevicesSeenPanel pc={pc} seen={control.data.seen} role={role} onChanged={reload} /> : null}
          {detail.data ? <InventoryPanel inventory={detail.data.inventory} /> : null}
        </aside>
      </div>
    </section>
  );
}
