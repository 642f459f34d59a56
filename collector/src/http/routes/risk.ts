import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CollectorError } from '../../errors.ts';
import { dayDate, dayNumber } from '../../risk/days.ts';
import { parseAttendanceCsv } from '../../risk/attendance-csv.ts';
import { parseHrCsv } from '../../risk/hr-csv.ts';
import { pseudonymOf } from '../../risk/pseudonym.ts';
import { rankPeople } from '../../risk/ranking.ts';
import type { RiskDayScore } from '../../store/repositories/risk.ts';
import { required, type RouteDeps } from './deps.ts';
import { riskDigestRoutes } from './risk-digest.ts';
import { actorOf, sendError, sendInvalid } from './request-context.ts';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-03-31');
const RankingQuery = z.object({
  day: date.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(20),
  department: z.string().max(200).optional(),
}).strict();
const HistoryQuery = z.object({ day: date.optional(), days: z.coerce.number().int().min(1).max(365).default(30) }).strict();
const RevealBody = z.object({ person: z.string().min(1).max(300), reason: z.string().trim().min(5, 'say why (at least 5 characters)').max(500) }).strict();
const CsvBody = z.object({ csv: z.string().min(1).max(1_500_000) }).strict();
const indicator = z.string().regex(/^[a-z_]+(\.[a-z_]+)?$/, 'an indicator like "timing" or "vector.usb"');
const SuppressBody = z.object({
  person: z.string().min(1).max(300), indicator, until: date, reason: z.string().trim().min(5, 'say why (at least 5 characters)').max(500),
}).strict();

/**
 * Risk intelligence: the ranking, a person's and a PC's score history with what each day is made of, the
 * department view, revealing a pseudonymised person (admins and auditors, with a reason, audited), the HR import of
 * departing employees and a full recompute (admins, audited).
 */
export function riskRoutes(app: FastifyInstance, deps: RouteDeps): void {
  // Servers built without risk scoring (narrow route tests) have no risk routes.
  if (!deps.repos || !deps.risk) return;
  const { repos, risk } = deps;
  const store = required(deps.store, 'store');
  const now = deps.now ?? Date.now;
  const repo = repos.risk;

  const today = () => dayNumber(new Date(now()).toISOString().slice(0, 10));
  riskDigestRoutes(app, deps);

  /** Name or pseudonym of each person, as this policy shows them (revealed people by name). */
  async function namer(): Promise<{ show: (person: string) => string; pseudonymous: (person: string) => boolean; resolve: (shown: string, candidates: string[]) => string | undefined }> {
    if (!risk.policy.risk.privacy.pseudonymise) return { show: (p) => p, pseudonymous: () => false, resolve: (shown) => shown };
    const secret = await repo.pseudonymSecret();
    const revealed = await repo.revealedPersons();
    const show = (person: string) => (revealed.has(person) ? person : pseudonymOf(secret, person));
    return {
      show, pseudonymous: (person) => !revealed.has(person),
      // A pseudonym is resolved among the people scored (never by guessing names).
      resolve: (shown, candidates) => candidates.find((person) => show(person) === shown),
    };
  }

  async function resolvePerson(shown: string): Promise<{ person: string; names: Awaited<ReturnType<typeof namer>> } | undefined> {
    const names = await namer();
    const candidates = (await repo.latestPersonRows(Number.MAX_SAFE_INTEGER)).map((row) => row.person);
    const person = names.resolve(shown, candidates);
    return person === undefined ? undefined : { person, names };
  }

  function dayView(row: RiskDayScore, show: (person: string) => string) {
    return {
      date: dayDate(row.day), raw: round(row.raw), score: round(row.score), department: row.department,
      contributions: row.contributions.map((c) => ({ ...c, points: round(c.points), detail: c.detail })),
      subject: show(row.subject),
    };
  }

  app.get('/api/risk/ranking', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const parsed = RankingQuery.safeParse(request.query);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const day = parsed.data.day ? dayNumber(parsed.data.day) : today();
    const names = await namer();
    const entries = await rankPeople(repo, { day, limit: parsed.data.limit, decayPerDay: risk.decayPerDay, ...(parsed.data.department !== undefined ? { department: parsed.data.department } : {}) });
    return {
      date: dayDate(day), pseudonymised: risk.policy.risk.privacy.pseudonymise, threshold: risk.policy.risk.alerts.threshold,
      entries: entries.map((e) => ({
        person: names.show(e.person), pseudonymous: names.pseudonymous(e.person), department: e.department,
        score: round(e.score), yesterday: round(e.yesterday), change: round(e.change), trend: e.trend,
      })),
    };
  });

  app.get('/api/risk/departments', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const parsed = HistoryQuery.safeParse(request.query);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const day = parsed.data.day ? dayNumber(parsed.data.day) : today();
    const rows = await repo.latestPersonRows(day);
    const byDepartment = new Map<string, number[]>();
    for (const row of rows) {
      const score = row.score * risk.decayPerDay ** (day - row.day);
      byDepartment.set(row.department, [...(byDepartment.get(row.department) ?? []), score]);
    }
    const threshold = risk.policy.risk.alerts.threshold;
    return {
      date: dayDate(day),
      departments: [...byDepartment].map(([department, scores]) => ({
        department, people: scores.length, top: round(scores.reduce((a, b) => Math.max(a, b), -Infinity)), mean: round(scores.reduce((a, b) => a + b, 0) / scores.length),
        aboveThreshold: scores.filter((s) => s >= threshold).length,
      })).sort((a, b) => b.top - a.top),
    };
  });

  app.get('/api/risk/people/:person', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const parsed = HistoryQuery.safeParse(request.query);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const found = await resolvePerson((request.params as { person: string }).person);
    if (!found) return sendError(reply, new CollectorError('COLLECTOR_NOT_FOUND', 'no risk score for this person'));
    const day = parsed.data.day ? dayNumber(parsed.data.day) : today();
    const days = await repo.personDays(found.person, day - parsed.data.days + 1, day);
    return {
      person: found.names.show(found.person), pseudonymous: found.names.pseudonymous(found.person), date: dayDate(day),
      days: days.map((row) => dayView(row, found.names.show)),
    };
  });

  app.get('/api/risk/pcs/:pc', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const parsed = HistoryQuery.safeParse(request.query);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const pc = (request.params as { pc: string }).pc;
    const day = parsed.data.day ? dayNumber(parsed.data.day) : today();
    const days = await repo.pcDays(pc, day - parsed.data.days + 1, day);
    return { pc, date: dayDate(day), days: days.map((row) => dayView(row, (subject) => subject)) };
  });

  app.post('/api/risk/reveal', { preHandler: deps.requireRole('auditor') }, async (request, reply) => {
    const actor = actorOf(request);
    // Auditors rank below operators, so the role is checked by name: admins and auditors reveal, operators never.
    if (actor.role === 'operator') return sendError(reply, new CollectorError('COLLECTOR_FORBIDDEN', 'only an admin or an auditor can reveal a person'));
    const parsed = RevealBody.safeParse(request.body);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const found = await resolvePerson(parsed.data.person);
    if (!found) return sendError(reply, new CollectorError('COLLECTOR_NOT_FOUND', 'no risk score for this person'));
    const timeMs = now();
    await store.appendAudit({ timeMs, actor: actor.username, action: 'risk.reveal', entry: { pseudonym: parsed.data.person, person: found.person, reason: parsed.data.reason } });
    await repo.addReveal({ person: found.person, by: actor.username, reason: parsed.data.reason, timeMs });
    return { person: found.person };
  });

  app.post('/api/risk/departing', { preHandler: deps.requireRole('admin') }, async (request, reply) => {
    const parsed = CsvBody.safeParse(request.body);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const { entries, problems } = parseHrCsv(parsed.data.csv, risk.policy.risk.departing.columns);
    if (problems.length > 0) {
      return sendError(reply, new CollectorError('COLLECTOR_QUERY_INVALID', `HR CSV refused: ${problems.length} bad line(s)`), { problems: problems.slice(0, 100) });
    }
    const timeMs = now();
    await repo.replaceDeparting(entries, timeMs);
    await store.appendAudit({ timeMs, actor: actorOf(request).username, action: 'risk.departing_import', entry: { people: entries.length } });
    await risk.departingChanged();
    return { imported: entries.length };
  });

  // Attendance records: off-hours is then judged against each person's own recorded shifts (full rescore, audited).
  app.post('/api/risk/attendance', { preHandler: deps.requireRole('admin') }, async (request, reply) => {
    const parsed = CsvBody.safeParse(request.body);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const { entries, problems } = parseAttendanceCsv(parsed.data.csv, risk.policy.risk.attendance.columns);
    if (problems.length > 0) {
      return sendError(reply, new CollectorError('COLLECTOR_QUERY_INVALID', `attendance CSV refused: ${problems.length} bad line(s)`), { problems: problems.slice(0, 100) });
    }
    const timeMs = now();
    await repo.upsertAttendance(entries, timeMs);
    await store.appendAudit({ timeMs, actor: actorOf(request).username, action: 'risk.attendance_import', entry: { days: entries.length, people: new Set(entries.map((e) => e.person)).size } });
    await risk.attendanceChanged();
    return { imported: entries.length };
  });

  // "Expected activity": an operator marks an indicator as expected for one person until a day (audited); the
  // person is rescored without it, so the same false positive does not come back.
  app.get('/api/risk/suppressions', { preHandler: deps.requireRole('auditor') }, async () => {
    const names = await namer();
    return { suppressions: (await repo.listSuppressions()).map((s) => ({ ...s, person: names.show(s.person), until: dayDate(s.untilDay) })) };
  });

  app.post('/api/risk/suppressions', { preHandler: deps.requireRole('operator') }, async (request, reply) => {
    const parsed = SuppressBody.safeParse(request.body);
    if (!parsed.success) return sendInvalid(reply, parsed.error);
    const found = await resolvePerson(parsed.data.person);
    if (!found) return sendError(reply, new CollectorError('COLLECTOR_NOT_FOUND', 'no risk score for this person'));
    const timeMs = now();
    const actor = actorOf(request).username;
    await store.appendAudit({ timeMs, actor, action: 'risk.suppress', entry: { person: found.person, indicator: parsed.data.indicator, until: parsed.data.until, reason: parsed.data.reason } });
    await repo.addSuppression({ person: found.person, indicator: parsed.data.indicator, untilDay: dayNumber(parsed.data.until), reason: parsed.data.reason, createdBy: actor, createdMs: timeMs });
    await risk.suppressionsChanged();
    return { suppressed: true };
  });

  app.post('/api/risk/recompute', { preHandler: deps.requireRole('admin') }, async (request) => {
    const started = now();
    const result = await risk.recomputeAll();
    await store.appendAudit({ timeMs: now(), actor: actorOf(request).username, action: 'risk.recompute', entry: { ...result } });
    return { ...result, elapsedMs: now() - started };
  });
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
