import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { readPolicyDir, PolicyValidationError } from '@mamori/policies';
import { createUnlockCode, formatVerdict, randomUnlockNonce, verifyEvidence } from '@mamori/proto';
import { generatePassword, hashPassword } from '../auth/passwords.ts';
import { defaultDataDir, loadCollectorConfig } from '../config/load.ts';
import { initDataDir, loadTlsMaterial } from '../data-dir.ts';
import { actAsDataDirOwner, requireInitialised } from './data-dir-access.ts';
import { CollectorError } from '../errors.ts';
import { exportByAgentOrPc, isEvidenceBundle, verifyBundle } from '../evidence-bundle.ts';
import { resolveAgent } from '../evidence-export.ts';
import { loadOrCreateEvidenceKey } from '../pki/evidence-key.ts';
import { openCollectorStore, type CollectorStore } from '../store/open-store.ts';
import { PostgresUrlSchema } from '../config/database.ts';
import { createEnrollmentToken, parseDuration } from '../tokens.ts';
import { createDeviceException, formatLocalTime, parseUntil } from '../exceptions.ts';
import { machineTimeZone } from '../i18n/org-time.ts';
import { unknownPcMessage } from '../device-control/did-you-mean.ts';
import { revokeDeviceException } from '../device-control/device-control-service.ts';
import { describeImport, importLogFile } from '../imports/import-log-file.ts';
import { SessionRegistry } from '../ingest/sessions.ts';
import { PolicyService } from '../policy-service.ts';
import { generateReport } from '../reports/generate.ts';
import { addUploadExceptionCommands } from './upload-exception-commands.ts';
import { addMigrateStoreCommand } from './migrate-store-command.ts';
import { parsePeriodInput } from '../reports/period-input.ts';
import { parseAttendanceCsv } from '../risk/attendance-csv.ts';

type Output = { out: (text: string) => void; err: (text: string) => void };

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number ≥ 1');
  return n;
}

function duration(value: string): number {
  try {
    return parseDuration(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function time(value: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidArgumentError(`"${value}" is not a date/time (use ISO 8601, e.g. 2026-11-22T09:00)`);
  return ms;
}

/** The organisation's time zone as the settings page set it, else this machine's: the zone the CLI prints and reads times in. */
async function orgTimeZone(store: CollectorStore): Promise<string> {
  const setting = (await store.repos.settings.all()).find((s) => s.key === 'timeZone');
  return typeof setting?.value === 'string' ? setting.value : machineTimeZone();
}

async function withStore<T>(dataDir: string, run: (store: CollectorStore) => Promise<T>): Promise<T> {
  requireInitialised(dataDir);
  // The configured store (SQLite here, or the collector's PostgreSQL), so the CLI and the running collector agree.
  const store = await openCollectorStore(loadCollectorConfig(dataDir));
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

/** `mamori-collector`: every command has --help, exits non-zero with a one-line reason, --json where it prints data. */
export function buildCollectorProgram(io: Output): Command {
  const program = new Command('mamori-collector')
    .description('Mamori collector: receives signed events from agents, stores them, serves the console')
    .option('-d, --data-dir <dir>', 'data directory', defaultDataDir())
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride()
    .showSuggestionAfterError();
  const dataDir = () => program.opts<{ dataDir: string }>().dataDir;
  // Before any command touches the data dir: root works on the installed collector's dir as its service user.
  program.hook('preAction', () => {
    actAsDataDirOwner(dataDir());
  });
  const print = (json: boolean | undefined, data: unknown, text: string) => io.out(json ? `${JSON.stringify(data)}\n` : `${text}\n`);

  program.command('init')
    .description('create the data dir: CA, server certificate, database and the first admin account')
    .option('--advertise <host:port>', 'address agents dial (goes into tokens)', 'localhost:7443')
    .option('--name <dns...>', 'extra DNS names / IPs for the server certificate', [])
    .option('--admin <user>', 'first admin account', 'admin')
    .option('--http-port <port>', 'console port', (v) => Number(v), 8443)
    .option('--http-host <host>', 'console bind address (HTTPS unless loopback)', '127.0.0.1')
    .option('--database <url>', 'keep the store in PostgreSQL (postgres://user[:password]@host[:port]/db) instead of SQLite in the data dir')
    .option('--json', 'print JSON')
    .action(async (options: { advertise: string; name: string[]; admin: string; httpPort: number; httpHost: string; database?: string; json?: boolean }) => {
      if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(options.advertise)) throw new CollectorError('COLLECTOR_USAGE', '--advertise must be host:port');
      if (options.database !== undefined && !PostgresUrlSchema.safeParse(options.database).success) {
        throw new CollectorError('COLLECTOR_USAGE', '--database must be a postgres://user[:password]@host[:port]/database URL');
      }
      const result = await initDataDir(dataDir(), {
        advertise: options.advertise, names: [hostname(), ...options.name], adminUser: options.admin,
        httpPort: options.httpPort, httpHost: options.httpHost, database: options.database,
      });
      print(options.json, { dataDir: dataDir(), admin: options.admin, password: result.adminPassword, caFingerprint: result.caFingerprint, evidenceKey: result.evidenceKey },
        `initialised ${dataDir()}\nCA fingerprint (SHA-256): ${result.caFingerprint}\nevidence key (pin it to verify exports): ${result.evidenceKey}\nadmin user: ${options.admin}\nadmin password (shown once): ${result.adminPassword}`);
    });

  program.command('start')
    .description('run the collector: gRPC for agents and the console/API')
    .option('--grpc-port <port>', 'override the gRPC port', (v) => Number(v))
    .option('--http-port <port>', 'override the console port', (v) => Number(v))
    .option('--json', 'print the bound addresses as JSON')
    .action(async (options: { grpcPort?: number; httpPort?: number; json?: boolean }) => {
      requireInitialised(dataDir());
      const config = loadCollectorConfig(dataDir(), {
        grpc: options.grpcPort === undefined ? undefined : { port: options.grpcPort },
        http: options.httpPort === undefined ? undefined : { port: options.httpPort },
      });
      // Loaded here, not at the top: every other command runs without the servers' code (policy-publish starts faster).
      const { buildApp } = await import('../app.ts');
      const app = await buildApp(config);
      const { grpcPort, httpUrl } = await app.listen();
      print(options.json, { grpcPort, consoleUrl: httpUrl }, `collector listening: gRPC :${grpcPort}, console ${httpUrl}`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await app.close();
    });

  program.command('import-log <file>')
    .description("import another system's CSV log as events, under a mapping from the policy's log_imports")
    .requiredOption('--mapping <name>', 'the mapping (policy log_imports.mappings) that says which column is what')
    .option('--skip-invalid', 'import the rows that fit and list the others (default: any bad row refuses the file)')
    .option('--json', 'print JSON')
    .action(async (file: string, options: { mapping: string; skipInvalid?: boolean; json?: boolean }) => {
      const summary = await withStore(dataDir(), (store) => importLogFile(store, { mapping: options.mapping, file, skipInvalid: options.skipInvalid ?? false, actor: 'cli' }));
      print(options.json, summary, describeImport(summary));
    });

  program.command('risk-attendance <file>')
    .description("import attendance records (CSV; columns per the policy's risk.attendance.columns): risk off-hours then follows each person's own shifts")
    .option('--json', 'print JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const text = readFileSync(file, 'utf8');
      const result = await withStore(dataDir(), async (store) => {
        const policy = new PolicyService(store, new SessionRegistry());
        await policy.load();
        const { entries, problems } = parseAttendanceCsv(text, policy.current.risk.attendance.columns);
        if (problems.length > 0) {
          throw new CollectorError('COLLECTOR_QUERY_INVALID', `attendance CSV refused, nothing imported: ${problems.slice(0, 5).map((p) => `line ${p.line}: ${p.message}`).join('; ')}`);
        }
        const timeMs = Date.now();
        await store.repos.risk.upsertAttendance(entries, timeMs);
        await store.appendAudit({ timeMs, actor: 'cli', action: 'risk.attendance_import', entry: { days: entries.length, people: new Set(entries.map((e) => e.person)).size } });
        return { imported: entries.length, people: new Set(entries.map((e) => e.person)).size };
      });
      print(options.json, result, `imported ${result.imported} attendance day(s) of ${result.people} people; a running collector rescores within 30 s`);
    });

  const token = program.command('token').description('enrollment tokens');
  token.command('create')
    .description('print ONE string to paste on PCs: collector address + CA fingerprint + secret')
    .option('--ttl <duration>', 'valid for (e.g. 30m, 24h, 7d)', duration, 24 * 3_600_000)
    .option('--uses <n>', 'how many PCs may enroll with it', positiveInt, 1)
    .option('--json', 'print JSON')
    .action(async (options: { ttl: number; uses: number; json?: boolean }) => {
      requireInitialised(dataDir());
      const config = loadCollectorConfig(dataDir());
      const tls = loadTlsMaterial(dataDir());
      const created = await withStore(dataDir(), (store) => createEnrollmentToken(store, {
        address: config.grpc.advertise, caFingerprint: tls.caFingerprint, ttlMs: options.ttl, uses: options.uses, actor: 'cli', now: Date.now(),
      }));
      print(options.json, { id: created.id, token: created.token, expires: new Date(created.expiresMs).toISOString(), uses: options.uses }, created.token);
    });
  token.command('list').description('list enrollment tokens').option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const tokens = await withStore(dataDir(), (store) => store.listTokens());
      print(options.json, tokens, tokens.map((t) => `${t.id}  uses ${t.uses}/${t.maxUses}  expires ${new Date(t.expiresMs).toISOString()}${t.revokedMs ? '  REVOKED' : ''}`).join('\n') || '(no tokens)');
    });
  token.command('revoke <id>').description('revoke an enrollment token')
    .action(async (id: string) => {
      const revoked = await withStore(dataDir(), async (store) => {
        const ok = await store.revokeToken(id, Date.now());
        if (ok) await store.appendAudit({ timeMs: Date.now(), actor: 'cli', action: 'token.revoke', entry: { id } });
        return ok;
      });
      if (!revoked) throw new CollectorError('COLLECTOR_NOT_FOUND', `token ${id} (or already revoked)`);
      io.out(`revoked ${id}\n`);
    });

  program.command('pcs')
    .description('list the PCs enrolled with this collector (one line each; --json for every field)')
    .option('--all', 'include agents replaced by a re-enrollment')
    .option('--json', 'print JSON')
    .action(async (options: { all?: boolean; json?: boolean }) => {
      const agents = (await withStore(dataDir(), (store) => store.listAgents()))
        .filter((a) => options.all || a.retiredMs === null)
        .sort((a, b) => a.pc.localeCompare(b.pc));
      const rows = agents.map((a) => ({
        pc: a.pc, agentId: a.id, os: a.os, agentVersion: a.agentVersion, policyVersion: a.policyVersion, user: a.currentUser,
        enrolled: new Date(a.enrolledMs).toISOString(), lastSeen: a.lastSeenMs === null ? null : new Date(a.lastSeenMs).toISOString(),
        lastSeq: a.lastSeq, retired: a.retiredMs === null ? null : new Date(a.retiredMs).toISOString(),
      }));
      print(options.json, rows, rows.map((r) => [r.pc, r.agentId, r.os || '-', r.agentVersion || '-', `policy ${r.policyVersion}`,
        `last seen ${r.lastSeen ?? 'never'}`, r.user || '-', ...(r.retired ? [`retired ${r.retired}`] : [])].join('  ')).join('\n') || '(no PCs enrolled)');
    });

  const user = program.command('user').description('console accounts');
  user.command('add <username>')
    .description('add or reset a console account; prints a generated password once')
    .option('--role <role>', 'admin | operator | auditor', 'operator')
    .option('--json', 'print JSON')
    .action(async (username: string, options: { role: string; json?: boolean }) => {
      if (!['admin', 'operator', 'auditor'].includes(options.role)) throw new CollectorError('COLLECTOR_USAGE', '--role must be admin, operator or auditor');
      if (!/^[\w.@-]{1,64}$/.test(username)) throw new CollectorError('COLLECTOR_USAGE', 'user names are 1-64 letters, digits, . _ @ -');
      const password = generatePassword();
      await withStore(dataDir(), async (store) => {
        await store.putUser({ username, passwordHash: await hashPassword(password), role: options.role as 'admin', createdMs: Date.now() });
        await store.appendAudit({ timeMs: Date.now(), actor: 'cli', action: 'user.add', entry: { username, role: options.role } });
      });
      print(options.json, { username, role: options.role, password }, `user ${username} (${options.role}) password (shown once): ${password}`);
    });

  program.command('export')
    .description("write an agent's events with hashes, the agent's signatures and a manifest signed by this collector")
    .requiredOption('--agent <agent-or-pc>', 'agent id, or PC name (every agent that used the name, one verifiable document each)')
    .option('--from <time>', 'start (ISO 8601)', time, 0)
    .option('--to <time>', 'end (ISO 8601)', time, 8.64e15)
    .option('-o, --out <file>', 'output file (default: stdout)')
    .action(async (options: { agent: string; from: number; to: number; out?: string }) => {
      const config = loadCollectorConfig(dataDir());
      const signer = { key: loadOrCreateEvidenceKey(dataDir()), collectorName: config.name };
      const doc = await withStore(dataDir(), async (store) => {
        const exported = await exportByAgentOrPc(store, options.agent, options.from, options.to, signer);
        const docs = isEvidenceBundle(exported) ? exported.documents : [exported];
        await store.appendAudit({
          timeMs: Date.now(), actor: 'cli', action: 'evidence.export',
          entry: { agents: docs.map((d) => ({ agent: d.agent.id, seq: d.manifest.seq, lastHash: d.manifest.last_hash })), from: options.from, to: options.to },
        });
        return exported;
      });
      const text = `${JSON.stringify(doc, null, 1)}\n`;
      if (options.out) {
        writeFileSync(options.out, text);
        const docs = isEvidenceBundle(doc) ? doc.documents : [doc];
        const summary = docs.map((d) => `${d.events.length} events in ${d.batches.length} signed batches of agent ${d.agent.id}`).join('; ');
        io.err(`exported ${summary} to ${options.out}\n`);
      } else io.out(text);
    });

  program.command('evidence-key')
    .description("print this collector's evidence-signing public key (it signs export manifests): auditors pin it")
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => {
      requireInitialised(dataDir());
      const key = loadOrCreateEvidenceKey(dataDir());
      const publicKey = key.publicKey.toString('base64');
      print(options.json, { algorithm: 'Ed25519', publicKey, fingerprint: key.fingerprint },
        `${publicKey}\n(Ed25519, SHA-256 ${key.fingerprint}; verify exports with --collector-key ${publicKey})`);
    });

  program.command('verify <file>')
    .description('check an export offline: the collector-signed manifest, the hash chain end to end and every agent signature')
    .option('--public-key <base64>', "the agent's public key, obtained independently (default: the one in the collector-signed manifest)")
    .option('--collector-key <base64>', "the collector's evidence key, pinned from `evidence-key` (default: the one in the file, which proves nothing alone)")
    .option('--events', 'list every event, each field decoded from the signed bytes')
    .option('--json', 'print JSON')
    .action(async (file: string, options: { publicKey?: string; collectorKey?: string; events?: boolean; json?: boolean }) => {
      let doc: unknown;
      try {
        doc = JSON.parse(readFileSync(file, 'utf8'));
      } catch (error) {
        throw new CollectorError('COLLECTOR_USAGE', `cannot read ${file}: ${(error as Error).message}`);
      }
      if (isEvidenceBundle(doc) && options.publicKey) {
        throw new CollectorError('COLLECTOR_USAGE', 'a bundle holds several agents, each with its own key: verify its documents one at a time to give a key');
      }
      const collectorKey = options.collectorKey ? { collectorKey: options.collectorKey } : {};
      const bundleVerdict = isEvidenceBundle(doc) ? verifyBundle(doc, collectorKey) : undefined;
      const verdict = bundleVerdict ?? verifyEvidence(doc, {
        ...(options.publicKey ? { publicKey: options.publicKey } : {}), ...collectorKey, listEvents: options.events === true,
      });
      const lines = bundleVerdict
        ? [
          ...verdict.problems.map((p) => `FAIL ${p}`),
          ...bundleVerdict.agents.map((a) => `agent ${a.id}: ${a.verdict.ok ? 'OK' : 'TAMPERED'}, ${a.verdict.events} events in ${a.verdict.batches} signed batches`),
          ...verdict.warnings.map((w) => `WARNING ${w}`), ...verdict.notes.map((n) => `NOTE ${n}`),
          `${verdict.ok ? 'OK' : 'TAMPERED'}: ${verdict.events} events in ${verdict.batches} signed batches of ${bundleVerdict.agents.length} agents`,
        ]
        : formatVerdict(verdict);
      print(options.json, verdict, lines.join('\n'));
      if (!verdict.ok) process.exitCode = 1;
    });

  program.command('policy-publish <dir>')
    .description('validate the YAML files of a policy folder and make them the new policy version')
    .option('-m, --message <text>', 'comment for this version', '')
    .action(async (dir: string, options: { message: string }) => {
      const sources = readPolicyDir(dir);
      if (sources.length === 0) throw new CollectorError('COLLECTOR_USAGE', `no policy files (*.yaml, *.yml) in ${dir}`);
      // The store and the policy service only, not the whole collector (servers, workers, alerts): the running
      // collector hears the commit (PostgreSQL NOTIFY, or SQLite's signal file) and pushes the version to its agents.
      const version = await withStore(dataDir(), async (store) => {
        const policy = new PolicyService(store, new SessionRegistry());
        await policy.load();
        const published = await policy.publish(sources, 'cli', options.message);
        await store.appendAudit({ timeMs: Date.now(), actor: 'cli', action: 'policy.publish', entry: { version: published, files: sources.map((s) => s.name) } });
        return published;
      });
      io.out(`policy version ${version} published\n`);
    });

  program.command('exception')
    .description('grant a temporary device exception to one PC (pushed to a connected agent at once)')
    .requiredOption('--pc <pc>', 'PC name')
    .option('--serial <serial>', 'only this USB stick (default: any removable device)')
    .option('--until <time>', 'end time: HH:MM today (the organisation\'s time zone, settings page) or ISO 8601')
    .option('--tomorrow', 'with --until HH:MM: that time tomorrow')
    .option('--for <duration>', 'or a duration, e.g. 2h')
    .option('--mode <mode>', 'allow | read_only | audit', 'allow')
    .option('--reason <text>', 'why', '')
    .option('--json', 'print JSON')
    .action(async (options: { pc: string; serial?: string; until?: string; for?: string; tomorrow?: boolean; mode: string; reason: string; json?: boolean }) => {
      const { exception, zone, untilMs } = await withStore(dataDir(), async (store) => {
        const zone = await orgTimeZone(store);
        const untilMs = parseUntil(options, Date.now(), zone);
        const known = await store.repos.deviceControl.pcNames();
        if (!known.includes(options.pc)) throw new CollectorError('COLLECTOR_NOT_FOUND', unknownPcMessage(options.pc, known));
        const exception = await createDeviceException(store, {
          pc: options.pc, serial: options.serial, mode: options.mode, untilMs, reason: options.reason, actor: 'cli', now: Date.now(),
        });
        return { exception, zone, untilMs };
      });
      print(options.json, exception, `exception ${exception.id}: ${options.pc} ${exception.mode} until ${formatLocalTime(untilMs, zone)}`);
    });

  program.command('exception-revoke <id>')
    .description('end a temporary device exception now (a running collector pushes it to the agent within a second)')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const revoked = await withStore(dataDir(), (store) => revokeDeviceException(
        { store, repo: store.repos.deviceControl }, id, 'cli', Date.now(),
      ));
      print(options.json, revoked, `exception ${revoked.id} revoked: ${revoked.pc} back to its device policy`);
    });

  program.command('unlock-code')
    .description('make a one-time offline unlock code for a PC that cannot reach the collector (read it out by phone)')
    .requiredOption('--pc <pc>', 'PC name')
    .option('--serial <serial>', 'only this USB stick (default: any removable device)')
    .option('--for <duration>', 'how long the PC stays unlocked after the code is entered (max by expiry)', '2h')
    .option('--json', 'print JSON')
    .action(async (options: { pc: string; serial?: string; for: string; json?: boolean }) => {
      const untilMs = Date.now() + parseDuration(options.for);
      let zone = machineTimeZone();
      const code = await withStore(dataDir(), async (store) => {
        zone = await orgTimeZone(store);
        const agent = await resolveAgent(store, options.pc);
        const made = createUnlockCode(agent.unlockKey, { pc: agent.pc, untilMs, nonce: randomUnlockNonce(), ...(options.serial ? { serial: options.serial } : {}) });
        await store.appendAudit({ timeMs: Date.now(), actor: 'cli', action: 'unlock_code.create', entry: { pc: agent.pc, serial: options.serial ?? null, untilMs } });
        return made;
      });
      print(options.json, { pc: options.pc, serial: options.serial ?? null, code, validUntil: new Date(untilMs).toISOString() },
        `${code}   (PC ${options.pc}${options.serial ? `, stick ${options.serial}` : ', any removable device'}, until ${formatLocalTime(untilMs, zone)}; one use)`);
    });

  const report = program.command('report').description('inspection reports (templates in the policy: reports.templates)');
  report.command('generate')
    .description('make a report now: PDF + CSV, SHA-256 into the audit chain, mail queued for the recipients')
    .requiredOption('--template <name>', 'report template (policy reports.templates.<name>)')
    .requiredOption('--from <time>', "start: YYYY-MM-DD (the template's time zone), ISO 8601 or Unix ms")
    .requiredOption('--to <time>', 'end: YYYY-MM-DD (that whole day), ISO 8601 or Unix ms (exclusive)')
    .option('-o, --out <dir>', 'also write the PDF and CSV into this folder')
    .option('--json', 'print JSON')
    .action(async (options: { template: string; from: string; to: string; out?: string; json?: boolean }) => {
      const config = loadCollectorConfig(dataDir());
      const made = await withStore(dataDir(), async (store) => {
        const policy = new PolicyService(store, new SessionRegistry());
        await policy.load();
        const template = policy.current.reports.templates[options.template];
        if (!template) throw new CollectorError('COLLECTOR_REPORT_TEMPLATE', `"${options.template}" (templates: ${Object.keys(policy.current.reports.templates).join(', ') || 'none'})`);
        const range = parsePeriodInput(options.from, options.to, template.timezone);
        const created = await generateReport({
          repos: store.repos, store, policy: () => policy.current, now: Date.now, fontPath: config.reports.font,
          mail: { from: config.smtp.from, publicUrl: () => config.http.publicUrl ?? `http://localhost:${config.http.port}` },
        }, { template: options.template, ...range, periodKind: 'on_demand', actor: 'cli' });
        const files = { pdf: (await store.repos.reports.file(created!.id, 'pdf'))!, csv: (await store.repos.reports.file(created!.id, 'csv'))! };
        return { report: created!, files };
      });
      const written: string[] = [];
      if (options.out) {
        mkdirSync(options.out, { recursive: true });
        for (const format of ['pdf', 'csv'] as const) {
          const path = join(options.out, `report-${made.report.id}-${made.report.template}.${format}`);
          writeFileSync(path, made.files[format]);
          written.push(path);
        }
      }
      const r = made.report;
      print(options.json, { ...r, files: written },
        [`report ${r.id} (${r.template}) ${new Date(r.fromMs).toISOString()} – ${new Date(r.toMs).toISOString()}, ${r.scope.description}`,
          `PDF SHA-256 ${r.pdfSha256}`, `CSV SHA-256 ${r.csvSha256}`, `audit entry #${r.auditId}`, ...written.map((w) => `wrote ${w}`)].join('\n'));
    });
  report.command('list').description('list generated reports, newest first').option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const reports = await withStore(dataDir(), async (store) => store.repos.reports.list({ limit: 100 }));
      print(options.json, reports, reports.map((r) => `${r.id}  ${r.template}  ${new Date(r.fromMs).toISOString()} – ${new Date(r.toMs).toISOString()}  ${r.review ? `reviewed by ${r.review.reviewer}` : 'not reviewed'}  ${r.pdfSha256}`).join('\n') || '(no reports)');
    });

  addUploadExceptionCommands(program, { withStore: (run) => withStore(dataDir(), run), print });
  addMigrateStoreCommand(program, { dataDir, out: io.out, err: io.err });
  return program;
}

/** Runs the CLI; returns the exit code. Errors become one line: "mamori-collector: <reason>". */
export async function runCollectorCli(argv: string[], io: Output = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }): Promise<number> {
  const program = buildCollectorProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof PolicyValidationError) {
      io.err(`mamori-collector: policy is invalid:\n${error.message}\n`);
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.err(`mamori-collector: ${message.split('\n')[0]}\n`);
    return 1;
  }
}
