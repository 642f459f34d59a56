import { useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import type { DeviceModeName, DeviceSeenOnPc, Role } from '@mamori/collector/api';
import { ErrorBanner } from '../../components/badges.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-en.ts';

/** Sticks seen on this PC; an admin registers one as a company stick (by serial), bound to this PC and/or users. */
export function DevicesSeenPanel({ pc, seen, role, onChanged }: { pc: string; seen: DeviceSeenOnPc[]; role: Role; onChanged(): void }) {
  const { t, formatDate } = useI18n();
  const [open, setOpen] = useState<string | undefined>();
  return (
    <div className="panel devices-seen">
      <h3>{t('devicesSeen.title')}</h3>
      {seen.length === 0 ? <p className="muted">{t('common.none')}</p> : (
        <ul className="compact">{seen.map((d) => (
          <li key={`${d.vendorId}:${d.productId}:${d.serial}`} data-serial={d.serial}>
            <span>{[d.vendor, d.product].filter(Boolean).join(' ') || `${d.vendorId}:${d.productId}`}</span>{' '}
            <span className="muted">{t('devicesSeen.serial', { serial: d.serial })} · {d.lastUser} · {formatDate(d.lastSeenMs)}</span>{' '}
            {role === 'admin' && open !== d.serial ? <button type="button" onClick={() => setOpen(d.serial)}>{t('devicesSeen.register')}</button> : null}
            {open === d.serial ? <RegisterStickForm pc={pc} device={d} onDone={() => { setOpen(undefined); onChanged(); }} /> : null}
          </li>
        ))}</ul>
      )}
    </div>
  );
}

function RegisterStickForm({ pc, device, onDone }: { pc: string; device: DeviceSeenOnPc; onDone(): void }) {
  const api = useApi();
  const { t } = useI18n();
  const [name, setName] = useState([device.vendor, device.product].filter(Boolean).join(' ') || device.serial);
  const [mode, setMode] = useState<DeviceModeName>('allow');
  const [onlyHere, setOnlyHere] = useState(true);
  const [users, setUsers] = useState('');
  const [error, setError] = useState<Error | undefined>();
  const submit = async () => {
    setError(undefined);
    try {
      await api.registerStick({
        name, serial: device.serial, vendorId: device.vendorId, productId: device.productId, mode,
        pcs: onlyHere ? [pc] : [], users: users.split(',').map((u) => u.trim()).filter(Boolean),
      });
      onDone();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <form className="stack" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <label>{t('devicesSeen.name')}<input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} /></label>
      <label>{t('devicesSeen.mode')}
        <select value={mode} onChange={(e) => setMode(e.target.value as DeviceModeName)}>
          {(['allow', 'read_only', 'audit'] as const).map((m) => <option key={m} value={m}>{t(`mode.${m}` as MessageKey)}</option>)}
        </select>
      </label>
      <label><input type="checkbox" checked={onlyHere} onChange={(e) => setOnlyHere(e.target.checked)} /> {t('devicesSeen.onlyHere', { pc })}</label>
      <label>{t('devicesSeen.users')}<input value={users} onChange={(e) => setUsers(e.target.value)} /></label>
      <button type="submit">{t('devicesSeen.save')}</button>
      <ErrorBanner error={error} />
    </form>
  );
}
