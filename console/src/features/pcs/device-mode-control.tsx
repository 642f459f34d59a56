import { useEffect, useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import type { DeviceControlView, DeviceModeName, Role } from '@mamori/collector/api';
import { ErrorBanner } from '../../components/badges.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-en.ts';

const modes: DeviceModeName[] = ['block', 'read_only', 'allow', 'audit'];
type Choice = DeviceModeName | 'inherit';

/**
 * One control for USB storage on this PC (and on its group): block / read-only / allow / audit, showing the mode
 * in force and where it comes from. Admins change it; each change is a policy version pushed to the PC at once.
 */
export function DeviceModeControl({ view, role, onChanged }: { view: DeviceControlView; role: Role; onChanged(): void }) {
  const api = useApi();
  const { t } = useI18n();
  const { state } = view;
  const [pcChoice, setPcChoice] = useState<Choice>(state.pcMode ?? 'inherit');
  const [groupChoice, setGroupChoice] = useState<Choice>(state.group?.mode ?? 'inherit');
  const [message, setMessage] = useState<string | undefined>();
  const [error, setError] = useState<Error | undefined>();
  // A new policy version (ours or someone else's) resets the choices to what is now stored.
  useEffect(() => {
    setPcChoice(state.pcMode ?? 'inherit');
    setGroupChoice(state.group?.mode ?? 'inherit');
  }, [state.policyVersion, state.pcMode, state.group?.mode]);
  const isAdmin = role === 'admin';
  const modeLabel = (mode: string) => t(`mode.${mode}` as MessageKey);
  const source = state.source.kind === 'pc' ? t('deviceControl.fromPc')
    : state.source.kind === 'group' ? t('deviceControl.fromGroup', { group: state.source.name ?? '' }) : t('deviceControl.fromDefault');
  const inheritedMode = state.group?.mode ?? state.defaultMode;

  const apply = async (scope: 'pc' | 'group') => {
    setError(undefined);
    setMessage(undefined);
    try {
      const result = scope === 'pc' ? await api.setDeviceMode(state.pc, pcChoice) : await api.setGroupDeviceMode(state.group!.name, groupChoice);
      setMessage(t('deviceControl.applied', { version: String(result.version) }));
      onChanged();
    } catch (e) {
      setError(e as Error);
    }
  };

  return (
    <div className="panel device-mode-control">
      <h3>{t('deviceControl.title')}</h3>
      <dl className="facts">
        <dt>{t('deviceControl.inForce')}</dt>
        <dd data-testid="effective-mode" data-mode={state.mode}>{modeLabel(state.mode)}</dd>
        <dt>{t('deviceControl.source')}</dt>
        <dd data-testid="mode-source">{source} <span className="muted">({state.rule}, {t('deviceControl.version', { version: String(state.policyVersion) })})</span></dd>
      </dl>
      {isAdmin ? (
        <form className="row" onSubmit={(e) => { e.preventDefault(); void apply('pc'); }}>
          <label>{t('deviceControl.thisPc')}
            <select value={pcChoice} onChange={(e) => setPcChoice(e.target.value as Choice)}>
              <option value="inherit">{t('deviceControl.inherit', { mode: modeLabel(inheritedMode) })}</option>
              {modes.map((m) => <option key={m} value={m}>{modeLabel(m)}</option>)}
            </select>
          </label>
          <button type="submit">{t('deviceControl.apply')}</button>
        </form>
      ) : null}
      {isAdmin && state.group ? (
        <form className="row" onSubmit={(e) => { e.preventDefault(); void apply('group'); }}>
          <label>{t('deviceControl.thisGroup', { group: state.group.name })}
            <select value={groupChoice} onChange={(e) => setGroupChoice(e.target.value as Choice)}>
              <option value="inherit">{t('deviceControl.inherit', { mode: modeLabel(state.defaultMode) })}</option>
              {modes.map((m) => <option key={m} value={m}>{modeLabel(m)}</option>)}
            </select>
          </label>
          <button type="submit">{t('deviceControl.applyGroup')}</button>
        </form>
      ) : null}
      {!isAdmin ? <p className="muted">{t('deviceControl.adminOnly')}</p> : null}
      {message ? <p role="status" className="ok">{message}</p> : null}
      <ErrorBanner error={error} />
    </div>
  );
}
