import { useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ErrorBanner } from '../../components/badges.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

/** Admins import the directory CSV (pc, department, site); a refused file shows its bad lines and changes nothing. */
export function DirectoryImport({ onImported }: { onImported(): void }) {
  const api = useApi();
  const { t, formatNumber } = useI18n();
  const [result, setResult] = useState<{ imported: number } | undefined>();
  const [problems, setProblems] = useState<{ line: number; message: string }[]>([]);
  const [error, setError] = useState<Error | undefined>();

  const upload = async (file: File) => {
    setResult(undefined);
    setProblems([]);
    setError(undefined);
    try {
      setResult(await api.importDirectory(await file.text()));
      onImported();
    } catch (caught) {
      if (caught instanceof ApiError && caught.problems.length > 0) setProblems(caught.problems);
      else setError(caught instanceof Error ? caught : new Error(String(caught)));
    }
  };

  return (
    <div className="filters" data-testid="directory-import">
      <label>{t('pcs.directoryImport')} <input type="file" accept=".csv,text/csv" aria-label={t('pcs.directoryImport')} onChange={(e) => { const file = e.target.files?.[0]; if (file) void upload(file); }} /></label>
      {result ? <span className="muted">{t('pcs.directoryImported', { count: formatNumber(result.imported) })}</span> : null}
      <ErrorBanner error={error} />
      {problems.length > 0 ? (
        <ul className="compact problems">{problems.map((p) => <li key={p.line}>{t('pcs.directoryProblem', { line: p.line, message: p.message })}</li>)}</ul>
      ) : null}
    </div>
  );
}
