import { useEffect, useState } from 'react';
import { ApiProvider, useApi } from './api/api-context.tsx';
import type { ApiClient } from './api/client.ts';
import type { Role, Session } from '@mamori/collector/api';
import { AccessRequestsView } from './features/access-requests/access-requests-view.tsx';
import { AlertsView } from './features/alerts/alerts-view.tsx';
import { AuditView } from './features/audit/audit-view.tsx';
import { DashboardView } from './features/dashboard/dashboard-view.tsx';
import { LogsView } from './features/logs/logs-view.tsx';
import { NotReportingView } from './features/not-reporting/not-reporting-view.tsx';
import { PcView } from './features/pcs/pc-view.tsx';
import { PcsView } from './features/pcs/pcs-view.tsx';
import { PoliciesView } from './features/policies/policies-view.tsx';
import { ReportsView } from './features/reports/reports-view.tsx';
import { RiskPersonView } from './features/risk/risk-person-view.tsx';
import { RiskRankingView } from './features/risk/risk-ranking-view.tsx';
import { SignInView } from './features/sign-in/sign-in-view.tsx';
import { SettingsView } from './features/settings/settings-view.tsx';
import { I18nProvider, useI18n, type Locale } from './i18n/i18n.tsx';
import type { MessageKey } from './i18n/messages-en.ts';
import { href, useRoute, type Route } from './router.ts';

const sections: { id: string; label: MessageKey; roles: Role[] }[] = [
  { id: 'dashboard', label: 'nav.dashboard', roles: ['admin', 'operator', 'auditor'] },
  { id: 'alerts', label: 'nav.alerts', roles: ['admin', 'operator', 'auditor'] },
  { id: 'pcs', label: 'nav.pcs', roles: ['admin', 'operator', 'auditor'] },
  { id: 'not-reporting', label: 'dashboard.notReporting', roles: ['admin', 'operator', 'auditor'] },
  { id: 'requests', label: 'nav.requests', roles: ['admin', 'operator', 'auditor'] },
  { id: 'logs', label: 'nav.logs', roles: ['admin', 'operator', 'auditor'] },
  { id: 'policies', label: 'nav.policies', roles: ['admin', 'operator', 'auditor'] },
  { id: 'audit', label: 'nav.audit', roles: ['admin', 'auditor'] },
  { id: 'reports', label: 'nav.reports', roles: ['admin', 'auditor'] },
  { id: 'settings', label: 'nav.settings', roles: ['admin'] },
  { id: 'risk', label: 'nav.risk', roles: ['admin', 'operator', 'auditor'] },
];

function numberParam(route: Route, name: string): number | undefined {
  const value = route.params.get(name);
  return value && /^\d+$/.test(value) ? Number(value) : undefined;
}

function CurrentView({ route, session }: { route: Route; session: Session }) {
  const [section = 'alerts', second] = route.path;
  const allowed = sections.find((s) => s.id === section)?.roles.includes(session.role) ?? false;
  if (!allowed) return <AlertsView role={session.role} />;
  switch (section) {
    case 'dashboard': return <DashboardView />;
    case 'alerts': {
      const place = { department: route.params.get('department') ?? '', site: route.params.get('site') ?? '', status: route.params.get('status') ?? '' };
      return <AlertsView role={session.role} focus={second && /^\d+$/.test(second) ? Number(second) : undefined} place={place} />;
    }
    case 'pcs': return second ? <PcView key={second} pc={second} role={session.role} around={numberParam(route, 'around')} at={numberParam(route, 'at')} /> : <PcsView role={session.role} />;
    case 'requests': {
      const pc = route.params.get('pc') ?? '';
      return <AccessRequestsView key={pc} role={session.role} pc={pc} />;
    }
    case 'logs': return <LogsView />;
    case 'not-reporting': return <NotReportingView />;
    case 'policies': return <PoliciesView role={session.role} />;
    case 'audit': return <AuditView />;
    case 'reports': return <ReportsView session={session} />;
    case 'settings': return <SettingsView />;
    case 'risk': return second ? <RiskPersonView key={second} person={second} role={session.role} /> : <RiskRankingView role={session.role} />;
    default: return <AlertsView role={session.role} />;
  }
}

function Shell() {
  const api = useApi();
  const { t, locale, setLocale, setTimeZone } = useI18n();
  const route = useRoute();
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  // Set while rendering, not in an effect: the views' first requests (their effects run before ours) must already
  // ask for the collector's text (alert titles) in this language.
  api.setLanguage(locale);

  useEffect(() => {
    api.session().then(setSession, () => setSession(null));
  }, [api]);
  useEffect(() => {
    if (session) api.display().then((display) => setTimeZone(display.timeZone), () => undefined);
  }, [api, session, setTimeZone]);

  if (session === undefined) return <p className="muted">{t('common.loading')}</p>;
  const languagePicker = (
    <select aria-label={t('app.language')} value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
      <option value="ja">日本語</option>
      <option value="en">English</option>
    </select>
  );
  if (!session) return <div className="center">{languagePicker}<SignInView onSignedIn={setSession} /></div>;
  const current = route.path[0] ?? 'alerts';
  return (
    <div className="shell">
      <nav className="top">
        <strong className="brand">{t('app.title')}</strong>
        {sections.filter((s) => s.roles.includes(session.role)).map((s) => (
          <a key={s.id} href={href([s.id])} className={current === s.id ? 'active' : undefined}>{t(s.label)}</a>
        ))}
        <span className="spacer" />
        {languagePicker}
        <span className="muted">{t('app.signedInAs', { user: session.username, role: t(`role.${session.role}` as MessageKey) })}</span>
        <button type="button" onClick={() => void api.signOut().finally(() => setSession(null))}>{t('app.signOut')}</button>
      </nav>
      {/* A new language reloads the view: the collector's own text (alert titles) comes back in it. */}
      <main key={locale}><CurrentView route={route} session={session} /></main>
    </div>
  );
}

/** The console: language, API client and the signed-in shell. */
export function App({ client, locale }: { client: ApiClient; locale?: Locale }) {
  return (
    <I18nProvider {...(locale ? { locale } : {})}>
      <ApiProvider client={client}><Shell /></ApiProvider>
    </I18nProvider>
  );
}
