import { useEffect, useState } from 'react';
import { useApi } from '../api/api-context.tsx';
import { useI18n } from '../i18n/i18n.tsx';

export type DirectoryPlace = { department: string; site: string };

/**
 * Department and site selects with the choices the directory import names ('' = all). A value no longer in the
 * directory (a saved filter after a re-import) stays choosable.
 */
export function DirectorySelects({ value, onChange }: { value: DirectoryPlace; onChange: (next: DirectoryPlace) => void }) {
  const api = useApi();
  const { t } = useI18n();
  const [choices, setChoices] = useState<{ departments: string[]; sites: string[] }>({ departments: [], sites: [] });
  useEffect(() => {
    let stale = false;
    api.directoryChoices().then((c) => { if (!stale) setChoices(c); }, () => undefined);
    return () => { stale = true; };
  }, [api]);
  return (
    <>
      {(['department', 'site'] as const).map((name) => (
        <select key={name} aria-label={t(`pcs.${name}`)} value={value[name]} onChange={(e) => onChange({ ...value, [name]: e.target.value })}>
          <option value="">{t(`pcs.${name}`)}: {t('common.all')}</option>
          {[...new Set([...(name === 'department' ? choices.departments : choices.sites), ...(value[name] ? [value[name]] : [])])]
            .map((v) => <option key={v} value={v}>{v}</option>)}
        </select>
      ))}
    </>
  );
}
