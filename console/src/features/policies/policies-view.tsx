import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { useApi } from '../../api/api-context.tsx';
import type { PolicyProblem, PolicySource, Role } from '@mamori/collector/api';
import { ErrorBanner } from '../../components/badges.tsx';
import { useAsync } from '../../components/use-async.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { sourcesDiff, type DiffLine } from './line-diff.ts';

/** Put the caret on a problem's line so the admin sees where it is. */
function selectLine(area: HTMLTextAreaElement | null, text: string, line: number): void {
  if (!area) return;
  const lines = text.split('\n');
  const start = lines.slice(0, Math.max(0, line - 1)).reduce((n, l) => n + l.length + 1, 0);
  area.focus();
  area.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
}

/** View (everyone) and edit (admins) the policy YAML, with inline problems, versions, diff and rollback. */
export function PoliciesView({ role }: { role: Role }) {
  const api = useApi();
  const { t, formatDate } = useI18n();
  const current = useAsync(() => api.policy(), [api]);
  const versions = useAsync(() => api.policyVersions(), [api, current.data?.version]);
  const [sources, setSources] = useState<PolicySource[]>([]);
  const [file, setFile] = useState('');
  const [problems, setProblems] = useState<PolicyProblem[] | undefined>();
  const [comment, setComment] = useState('');
  const [message, setMessage] = useState<string | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [diff, setDiff] = useState<{ version: number; files: { name: string; lines: DiffLine[] }[] } | undefined>();
  const area = useRef<HTMLTextAreaElement>(null);
  const editable = role === 'admin';

  useEffect(() => {
    if (!current.data) return;
    setSources(current.data.sources);
    setFile((f) => (current.data!.sources.some((s) => s.name === f) ? f : current.data!.sources[0]?.name ?? ''));
  }, [current.data]);

  const text = sources.find((s) => s.name === file)?.text ?? '';
  const fileProblems = (problems ?? []).filter((p) => p.file === file);
  const edit = (value: string) => setSources((list) => list.map((s) => (s.name === file ? { ...s, text: value } : s)));
  const reset = () => { setMessage(undefined); setError(undefined); };

  const validate = async () => {
    reset();
    try {
      const found = await api.validatePolicy(sources);
      setProblems(found);
      if (found.length === 0) setMessage(t('policies.valid'));
    } catch (e) {
      setError(e as Error);
    }
  };
  const publish = async () => {
    reset();
    try {
      const version = await api.publishPolicy(sources, comment);
      setProblems([]);
      setComment('');
      setMessage(t('policies.published', { version }));
      current.reload();
    } catch (e) {
      if (e instanceof ApiError && e.problems.length > 0) setProblems(e.problems);
      else setError(e as Error);
    }
  };
  const showDiff = async (version: number) => {
    reset();
    try {
      const old = await api.policyVersion(version);
      setDiff({ version, files: sourcesDiff(old.sources, current.data?.sources ?? []) });
    } catch (e) {
      setError(e as Error);
    }
  };
  const rollback = async (version: number) => {
    reset();
    try {
      const now = await api.rollbackPolicy(version);
      setMessage(t('policies.rolledBack', { version: now }));
      setDiff(undefined);
      current.reload();
    } catch (e) {
      if (e instanceof ApiError && e.problems.length > 0) setProblems(e.problems);
      else setError(e as Error);
    }
  };

  return (
    <section>
      <header className="view-header">
        <h2>{t('policies.title')}</h2>
        {current.data ? <span className="muted">{t('policies.version', { version: current.data.version })} · {current.data.createdBy} · {formatDate(current.data.createdMs)}</span> : null}
      </header>
      <ErrorBanner error={current.error ?? error} />
      <div className="tabs" role="tablist">
        {sources.map((s) => {
          const count = (problems ?? []).filter((p) => p.file === s.name).length;
          return (
            <button key={s.name} type="button" role="tab" aria-selected={s.name === file} className={count ? 'tab bad' : 'tab'} onClick={() => setFile(s.name)}>
              {s.name}{count ? ` (${count})` : ''}
            </button>
          );
        })}
      </div>
      {!editable ? <p className="muted" data-testid="read-only">{t('common.readOnly')}</p> : null}
      <textarea ref={area} className="editor" aria-label={file} spellCheck={false} value={text} readOnly={!editable} onChange={(e) => edit(e.target.value)} rows={24} />
      {fileProblems.length > 0 ? (
        <ul className="problems" aria-label={t('policies.problems', { count: fileProblems.length })}>
          {fileProblems.map((p, i) => (
            <li key={i}><button type="button" className="link" onClick={() => selectLine(area.current, text, p.line)}>{p.file}:{p.line}:{p.column}</button> <code>{p.field || '—'}</code> {p.message}</li>
          ))}
        </ul>
      ) : null}
      {problems && problems.length > 0 && fileProblems.length === 0 ? <p className="error">{t('policies.problems', { count: problems.length })}</p> : null}
      {editable ? (
        <div className="row">
          <button type="button" onClick={() => void validate()}>{t('policies.validate')}</button>
          <input aria-label={t('policies.comment')} placeholder={t('policies.comment')} value={comment} onChange={(e) => setComment(e.target.value)} />
          <button type="button" className="primary" onClick={() => void publish()}>{t('policies.publish')}</button>
        </div>
      ) : null}
      {message ? <p role="status" className="ok">{message}</p> : null}
      <h3>{t('policies.versions')}</h3>
      <table className="grid">
        <tbody>
          {(versions.data?.versions ?? []).map((v) => (
            <tr key={v.version}>
              <td className="num">v{v.version}{v.version === versions.data?.currentVersion ? ` (${t('policies.current')})` : ''}</td>
              <td className="nowrap">{formatDate(v.createdMs)}</td>
              <td>{v.createdBy}</td>
              <td>{v.comment}</td>
              <td className="actions nowrap">
                {v.version !== versions.data?.currentVersion ? <button type="button" onClick={() => void showDiff(v.version)}>{t('policies.diff')}</button> : null}
                {editable && v.version !== versions.data?.currentVersion ? <button type="button" onClick={() => void rollback(v.version)}>{t('policies.rollback')}</button> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {diff ? (
        <div className="panel diff" data-testid="diff">
          <h4>v{diff.version} → v{current.data?.version}</h4>
          {diff.files.length === 0 ? <p className="muted">{t('policies.noChanges')}</p> : diff.files.map((f) => (
            <div key={f.name}>
              <h5>{f.name}</h5>
              <pre>{f.lines.filter((l) => l.op !== 'same').map((l, i) => (
                <div key={i} className={l.op}>{l.op === 'add' ? `+${l.newLine} ` : `-${l.oldLine} `}{l.text}</div>
              ))}</pre>
            </div>
          ))}
        </div>
      ) : null}
    </section>
  );
}
