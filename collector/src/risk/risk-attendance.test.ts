import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEvent, type Event } from '@mamori/proto';
import { defaultPolicyDir, loadPolicyDir } from '@mamori/policies';
import { hashPassword } from '../auth/passwords.ts';
import { runCollectorCli } from '../cli/program.ts';
import { buildHttpServer } from '../http/server.ts';
import { CollectorHub } from '../hub.ts';
import { SessionRegistry } from '../ingest/sessions.ts';
import { PolicyService } from '../policy-service.ts';
import { databasePath } from '../data-dir.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { parseAttendanceCsv } from './attendance-csv.ts';
import { dayNumber } from './days.ts';
import { RiskService } from './risk-service.ts';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCollectorCli(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

let seq = 0;
function usbCopy(user: string, pc: string, localTime: string): Event {
  seq += 1;
  return {
    seq, timeMs: Date.parse(`${localTime}+09:00`), agentId: `a-${pc}`, pc, user,
    fileCopy: { destinationPath: `/media/usb/f${seq}`, destinationKind: 'removable', destinationRoot: '/media/usb', sizeBytes: 40_000_000, device: { serial: 'SN1' }, operation: 'created' },
  };
}

describe('risk timing with imported attendance records', () => {
  it('judges off-hours by each person\'s own recorded shift where present (CLI import), the calendar otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'risk-attendance-'));
    expect((await cli(['-d', dir, 'init', '--json'])).code).toBe(0);
    const store = new SqliteStore(databasePath(dir));
    const people = { tanaka: 'PC-ACCT-01', yamada: 'PC-PLANT-01', kato: 'PC-ENG-01' };
    for (const pc of Object.values(people)) {
      await store.createAgent({ id: `a-${pc}`, pc, hardwareId: pc, os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: 0, previousAgentId: null });
    }
    // Calendar: Mon-Fri 08:00-19:00 Asia/Tokyo; 2026-03-10 is a Tuesday.
    const events: Record<string, Event[]> = {
      tanaka: [usbCopy('tanaka', people.tanaka, '2026-03-10T18:45:00'), usbCopy('tanaka', people.tanaka, '2026-03-10T22:00:00')],
      yamada: [usbCopy('yamada', people.yamada, '2026-03-10T23:00:00'), usbCopy('yamada', people.yamada, '2026-03-11T03:00:00')],
      kato: [usbCopy('kato', people.kato, '2026-03-10T22:00:00')],
    };
    for (const [user, list] of Object.entries(events)) {
      const agentId = `a-${people[user as keyof typeof people]}`;
      await store.appendBatch({
        agentId, firstSeq: Number(list[0]!.seq), lastSeq: Number(list.at(-1)!.seq), prevHash: Buffer.alloc(32), lastHash: Buffer.alloc(32, 1), signature: Buffer.alloc(64),
        events: list.map((event) => {
          const bytes = encodeEvent({ ...event, agentId });
          return { seq: Number(event.seq), bytes, hash: Buffer.alloc(32), envelope: decodeEnvelope(bytes) };
        }),
      }, Date.now());
    }
    const policy = loadPolicyDir(defaultPolicyDir);
    const service = new RiskService({ repos: store.repos, policy: { current: policy, onChange: () => () => undefined } });
    await service.start();
    const offHoursOf = async () => {
      const observations = await store.repos.risk.observationsFrom(0);
      return Object.fromEntries(observations.map((o) => [`${o.person} ${new Date(o.timeMs + 9 * 3_600_000).toISOString().slice(0, 16)}`, { off: o.offHours, byAttendance: o.byAttendance }]));
    };
    // Before any import the calendar decides everything: 18:45 is working time, every night copy is off-hours.
    expect(await offHoursOf()).toEqual({
      'tanaka 2026-03-10T18:45': { off: false, byAttendance: false }, 'tanaka 2026-03-10T22:00': { off: true, byAttendance: false },
      'yamada 2026-03-10T23:00': { off: true, byAttendance: false }, 'yamada 2026-03-11T03:00': { off: true, byAttendance: false },
      'kato 2026-03-10T22:00': { off: true, byAttendance: false },
    });

    // A bad file is refused whole by the CLI: nothing imported, the scores untouched.
    const badFile = join(dir, 'bad.csv');
    writeFileSync(badFile, 'person,date,start,end\ntanaka,2026-03-10,09:00,18:00\nyamada,2026-03-10,22:00,6am\n');
    const refused = await cli(['-d', dir, 'risk-attendance', badFile]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/attendance CSV refused, nothing imported: line 3: start and end must be times/);
    expect(await store.repos.risk.listAttendance()).toEqual([]);

    // Tanaka's day ended at 18:00; Yamada works nights (22:00 to 06:00); Kato has no record.
    const file = join(dir, 'attendance.csv');
    writeFileSync(file, 'Person,Date,Start,End,Note\ntanaka,2026-03-10,09:00,18:00,\nyamada,2026-03-10,22:00,06:00,night shift\n');
    const imported = await cli(['-d', dir, 'risk-attendance', file, '--json']);
    expect(imported.code, imported.err).toBe(0);
    expect(JSON.parse(imported.out)).toEqual({ imported: 2, people: 2 });
    // The running service notices the other process's import (its poll calls this) and rebuilds from the evidence.
    expect(await service.attendanceChanged()).toMatchObject({ events: 5, observations: 5 });
    expect(await service.attendanceChanged()).toBeUndefined();

    expect(await offHoursOf()).toEqual({
      // 18:45 is inside the calendar but past Tanaka's recorded end (18:00 + 30 min margin).
      'tanaka 2026-03-10T18:45': { off: true, byAttendance: true }, 'tanaka 2026-03-10T22:00': { off: true, byAttendance: true },
      // The recorded night shift, before and after midnight: working time.
      'yamada 2026-03-10T23:00': { off: false, byAttendance: true }, 'yamada 2026-03-11T03:00': { off: false, byAttendance: true },
      'kato 2026-03-10T22:00': { off: true, byAttendance: false },
    });
    const day = dayNumber('2026-03-10');
    const [tanaka] = await store.repos.risk.personDays('tanaka', day, day);
    const timing = tanaka!.contributions.find((c) => c.indicator === 'timing.off_hours');
    expect(timing?.detail).toMatch(/2 of the day's transfers outside working hours \(outside their own attendance record\)/);
    expect(timing?.events.map((e) => e.timeMs)).toEqual(events.tanaka!.map((e) => Number(e.timeMs)));
    for (const yamadaDay of await store.repos.risk.personDays('yamada', day, day + 1)) {
      expect(yamadaDay.contributions.map((c) => c.indicator)).not.toContain('timing.off_hours');
    }
    await service.stop();
    await store.close();
  });

  it('refuses a file whose header lacks a mapped column, and names the policy setting', () => {
    const columns = loadPolicyDir(defaultPolicyDir).risk.attendance.columns;
    const { entries, problems } = parseAttendanceCsv('user,date,start,end\nsato,2026-03-10,09:00,18:00\n', columns);
    expect(entries).toEqual([]);
    expect(problems).toEqual([{ line: 1, message: 'the header must name the columns "person", "date", "start" and "end" (risk.attendance.columns)' }]);
    expect(parseAttendanceCsv('person,date,start,end\nsato,2026-03-10,09:00,18:00\nsato,2026-03-10,10:00,19:00\n', columns).problems)
      .toEqual([{ line: 3, message: 'sato on 2026-03-10 is listed twice' }]);
  });

  it('imports through the API for admins only; a refused file keeps what was imported before, and imports are audited', async () => {
    const store = new SqliteStore(':memory:');
    const policy = new PolicyService(store, new SessionRegistry());
    await policy.load();
    const risk = new RiskService({ repos: store.repos, policy });
    await risk.start();
    const { app } = await buildHttpServer({ store, repos: store.repos, now: Date.now, policy, hub: new CollectorHub(), risk });
    await app.ready();
    const password = 'attendance test password';
    const as = async (username: string, role: 'admin' | 'operator') => {
      await store.putUser({ username, passwordHash: await hashPassword(password), role, createdMs: 0 });
      const res = await app.inject({ method: 'POST', url: '/api/session', payload: { username, password } });
      expect(res.statusCode, res.body).toBe(200);
      return { cookie: `mamori_session=${res.cookies.find((c) => c.name === 'mamori_session')!.value}`, 'x-csrf-token': (res.json() as { csrfToken: string }).csrfToken };
    };
    try {
      const admin = await as('alice', 'admin');
      const post = (headers: Record<string, string>, csv: string) => app.inject({ method: 'POST', url: '/api/risk/attendance', headers, payload: { csv } });
      expect((await post(admin, 'person,date,start,end\ntanaka,2026-03-10,09:00,18:00\n')).json()).toEqual({ imported: 1 });
      expect((await post(await as('olga', 'operator'), 'person,date,start,end\nx,2026-03-10,09:00,18:00\n')).statusCode).toBe(403);
      const refused = await post(admin, 'person,date,start,end\ntanaka,2026-03-11,09:00,18:00\nyamada,2026-02-30,22:00,06:00\n');
      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toMatchObject({ error: 'COLLECTOR_QUERY_INVALID', problems: [{ line: 3, message: '2026-02-30 is not a calendar date' }] });
      expect(await store.repos.risk.listAttendance()).toEqual([{ person: 'tanaka', day: dayNumber('2026-03-10'), startMinutes: 540, endMinutes: 1080 }]);
      expect((await store.listAudit(10)).filter((e) => e.action === 'risk.attendance_import').map((e) => e.entry)).toEqual([{ days: 1, people: 1 }]);
    } finally {
      await risk.stop();
      await app.close();
      await store.close();
    }
  });
});
