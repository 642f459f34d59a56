import type { PcDetail } from '@mamori/collector/api';
import { fieldLabel } from '../../i18n/event-labels.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { PcText } from '../../components/pc-text.tsx';

const fields = ['hostname', 'osPlatform', 'osDistro', 'osRelease', 'osArch', 'manufacturer', 'model', 'serial', 'cpu'] as const;

/** The PC's latest inventory snapshot (all values are untrusted text from the PC). */
export function InventoryPanel({ inventory }: { inventory: PcDetail['inventory'] }) {
  const { t, formatDate, formatBytes } = useI18n();
  const snapshot = inventory?.snapshot;
  if (!inventory || !snapshot) return <div className="panel"><h3>{t('pc.inventory')}</h3><p className="muted">{t('pc.noInventory')}</p></div>;
  const list = (key: string) => (Array.isArray(snapshot[key]) ? (snapshot[key] as Record<string, unknown>[]) : []);
  return (
    <div className="panel">
      <h3>{t('pc.inventory')} <span className="muted">{formatDate(inventory.timeMs)}</span></h3>
      <dl className="facts">
        {fields.filter((f) => snapshot[f]).map((f) => <FactRow key={f} label={fieldLabel(t, f)} value={String(snapshot[f])} />)}
        {snapshot.memoryBytes ? <FactRow label={t('field.memory')} value={formatBytes(Number(snapshot.memoryBytes))} /> : null}
      </dl>
      {list('disks').length > 0 ? <ul className="compact">{list('disks').map((d, i) => <li key={i}><PcText value={`${String(d.name)} ${String(d.type ?? '')}`} /> {formatBytes(Number(d.sizeBytes ?? 0))} {d.removable ? '⏏' : ''}</li>)}</ul> : null}
      {list('networkInterfaces').length > 0 ? <ul className="compact">{list('networkInterfaces').map((n, i) => <li key={i}><PcText value={`${String(n.name)} ${String(n.ipv4 ?? '')} ${String(n.mac ?? '')}`} /></li>)}</ul> : null}
      {list('software').length > 0 ? <details><summary>{t('field.software')} ({list('software').length})</summary><ul className="compact">{list('software').slice(0, 500).map((s, i) => <li key={i}><PcText value={`${String(s.name ?? '')} ${String(s.version ?? '')}`} /></li>)}</ul></details> : null}
    </div>
  );
}

function FactRow({ label, value }: { label: string; value: string }) {
  return <><dt>{label}</dt><dd><PcText value={value} /></dd></>;
}
