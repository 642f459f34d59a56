import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { demoStateInstead } from '../config/demo-state.ts';
import { loadAgentConfig, uninstallCodeFromEnvironment } from '../config/load.ts';
import { drainJournal } from '../drain/drain-journal.ts';
import type { DeliveryProgress } from '../drain/wait-for-delivery.ts';
import { readJournalBacklog } from '../core/journal-backlog.ts';
import { AgentError } from '../errors.ts';
import { runAgent } from '../main.ts';
import { runningAgentPid } from '../state/agent-process.ts';
import { readIdentity, readSavedPolicy, stateFiles } from '../state/identity.ts';
import { enroll } from '../uplink/enroll.ts';
import { parseDurationMs } from './duration.ts';
import { recordUninstall, type UninstallResult } from './record-uninstall.ts';
import { fingerprintDocument, fingerprintYaml } from './fingerprint-document.ts';
import { readAllStdin, readEnrollToken } from './enroll-token.ts';

/** POSTs JSON to the running agent's loopback endpoint (the same route the tray page uses). */
async function postLocal(port: number, path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  } catch (error) {
    throw new AgentError('AGENT_UNLOCK_CODE_INVALID', `the agent is not running on 127.0.0.1:${port} (${(error as Error).message})`);
  }
  return { status: response.status, body: await response.json().catch(() => ({})) };
}

type Output = { out: (text: string) => void; err: (text: string) => void };

/** Progress for a person watching an uninstall or a drain: one line per report, on stderr (stdout may be JSON). */
function progressPrinter(io: Output): (progress: DeliveryProgress) => void {
  return ({ eventsLeft, connected }) => {
    const link = connected === undefined ? 'the running agent is sending' : connected ? 'connected' : 'collector not reachable yet';
    io.err(`mamori-agent: delivering the journal: ${eventsLeft} events left (${link})\n`);
  };
}

/** What an uninstall did with the evidence, said plainly: the admin must know whether anything stayed behind. */
function describeUninstall(result: UninstallResult): string {
  const head = `recorded UNINSTALLED as event ${result.seq}`;
  if (result.outcome === 'drained') return `${head}; delivered: the collector has every event of this PC`;
  const range = `${result.eventsLeft} events (seq ${result.unsentFromSeq}..${result.unsentToSeq})`;
  if (result.outcome === 'discarded') {
    return `${head}; DISCARDED ${range} that were not delivered (${result.reason}), by the admin's choice (--discard-unsent with the uninstall code); `
      + `the discard is recorded as event ${result.discard!.seq}, ${result.discard!.delivered ? 'delivered to the collector' : 'not delivered (the collector was not reachable)'}`;
  }
  return `${head}; NOT DELIVERED: ${range}: ${result.reason}. They are KEPT in ${result.journal} with this agent's identity and key: `
    + 'reinstalling the agent, or running `mamori-agent drain`, delivers them. Deleting them needs --discard-unsent with the uninstall code';
}

/** `mamori-agent`: every command has --help, exits non-zero with a one-line reason, --json where it prints data. */
export function buildAgentProgram(io: Output): Command {
  const program = new Command('mamori-agent')
    .description('Mamori agent: records how data leaves this PC and enforces device policy')
    .option('-s, --state-dir <dir>', 'state directory (default: /var/lib/mamori, or MAMORI_AGENT_STATE)')
    .option('-c, --config <file>', 'config file (default: /etc/mamori/agent.yaml with the packaged state dir, else <state-dir>/agent.yaml)')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride()
    .showSuggestionAfterError();
  const config = () => {
    const o = program.opts<{ stateDir?: string; config?: string }>();
    return loadAgentConfig({ ...(o.stateDir ? { stateDir: o.stateDir } : {}), ...(o.config ? { configFile: o.config } : {}) });
  };
  const print = (json: boolean | undefined, data: unknown, text: string) => io.out(json ? `${JSON.stringify(data)}\n` : `${text}\n`);

  program.command('enroll [token]')
    .description('register this PC with the collector named in the token (pins its CA); the token from stdin when omitted or "-" (keeps it out of the process list)')
    .option('--token-file <file>', 'read the token from this file (first line)')
    .option('--force', 'enroll again even if already enrolled (the collector records the re-enrollment)')
    .option('--hostname <name>', 'PC name to register (default: this host name)')
    .option('--json', 'print JSON')
    .action(async (argument: string | undefined, options: { tokenFile?: string; force?: boolean; hostname?: string; json?: boolean }) => {
      const token = await readEnrollToken({ argument, file: options.tokenFile, readStdin: readAllStdin });
      const identity = await enroll({
        stateDir: config().stateDir, token, force: options.force ?? false, ...(options.hostname ? { hostname: options.hostname } : {}),
      });
      print(options.json, { agentId: identity.agentId, pc: identity.pc, collector: identity.collectorAddresses[0], collectors: identity.collectorAddresses },
        `enrolled ${identity.pc} as ${identity.agentId} with ${identity.collectorAddresses.join(', ')}`);
    });

  program.command('run')
    .description('run the agent in the foreground (what the service runs)')
    .action(async () => {
      const agent = await runAgent(config());
      io.err(`mamori-agent ${agent.identity.agentId} (${agent.identity.pc}) running; collector ${agent.identity.collectorAddresses.join(', then ')}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await agent.stop();
    });

  program.command('unlock <code>')
    .description('apply an offline unlock code read out by the admin (the running agent verifies and applies it)')
    .option('--json', 'print JSON')
    .action(async (code: string, options: { json?: boolean }) => {
      const { local } = config();
      const response = await postLocal(local.port, '/tray/v1/unlock', { code });
      const body = response.body as { exception?: { untilMs?: number; serial?: string; mode?: string }; message?: string };
      if (response.status !== 200) throw new AgentError('AGENT_UNLOCK_CODE_INVALID', body.message ?? `HTTP ${response.status}`);
      const exception = body.exception ?? (body as { untilMs?: number; serial?: string; mode?: string });
      print(options.json, body, `unlocked: removable media ${exception.mode ?? 'allow'}${exception.serial ? ` for stick ${exception.serial}` : ''} until ${exception.untilMs ? new Date(exception.untilMs).toLocaleString() : '?'}`);
    });

  program.command('status')
    .description('show enrollment, journal backlog, policy and whether the agent is running')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      let { stateDir } = config();
      const o = program.opts<{ stateDir?: string }>();
      // No installed agent here and no state named: in a checkout, report the `npm start` demo's agent.
      const demo = o.stateDir ? undefined : demoStateInstead(stateDir, process.cwd());
      if (demo) stateDir = demo;
      const { identity } = readIdentity(stateDir);
      const policy = readSavedPolicy(stateDir);
      // Read-only: the running agent is the journal's one writer.
      const backlog = readJournalBacklog(join(stateDir, stateFiles.journal)) ?? { events: 0, lastSeq: 0 };
      const lastSeq = backlog.lastSeq;
      const pid = runningAgentPid(stateDir);
      const status = {
        // `collector` is the one tried first (the last that worked); `collectors` all of them, in order.
        agentId: identity.agentId, pc: identity.pc, collector: identity.collectorAddresses[0], collectors: identity.collectorAddresses,
        running: pid !== undefined, pid: pid ?? null,
        lastSeq, unsentEvents: backlog.events, policyVersion: policy?.version ?? 0, deviceMode: policy?.device.mode ?? 'unknown',
        exceptions: policy?.device.exceptions ?? [], stateDir,
      };
      print(options.json, status, [
        `agent      ${status.agentId} (${status.pc})${demo ? ` — the npm start demo's agent (${demo})` : ''}`, `collector  ${status.collectors.join(', then ')}`,
        `running    ${status.running ? `yes (pid ${status.pid})` : 'no'}`, `journal    last seq ${lastSeq}, ${backlog.events} not yet acknowledged`,
        `policy     version ${status.policyVersion}, USB storage: ${status.deviceMode}, ${status.exceptions.length} exception(s)`,
      ].join('\n'));
    });

  program.command('drain')
    .description('send everything in the journal to the collector and wait for its acknowledgement (works with or without the service running)')
    .option('--timeout <duration>', 'how long to wait (60s, 2m, 500ms)', '60s')
    .option('--json', 'print JSON')
    .action(async (options: { timeout: string; json?: boolean }) => {
      const timeoutMs = parseDurationMs(options.timeout, '--timeout');
      const result = await drainJournal(config(), { timeoutMs, onProgress: progressPrinter(io), progressEveryMs: 2_000 });
      if (options.json) io.out(`${JSON.stringify(result)}\n`);
      if (!result.drained) {
        throw new AgentError('AGENT_DRAIN_INCOMPLETE', `${result.eventsLeft} events (seq ${result.firstUnsentSeq}..${result.lastSeq}) left in ${result.journal}: ${result.reason}`);
      }
      if (!options.json) io.out(`drained: the collector has every event up to seq ${result.lastSeq}\n`);
    });

  program.command('record-uninstall')
    .description('record that the agent is being uninstalled and drain the journal to the collector (run by uninstallers, after stopping the service)')
    .option('--timeout <duration>', 'how long to try to deliver the journal (60s, 2m; a bare number is seconds)', '60s')
    .option('--detail <text>', 'what removed it (installer name, user)', 'package removed')
    .option('--discard-unsent', 'delete what cannot be delivered in time (needs the uninstall code in MAMORI_UNINSTALL_CODE); the discard is itself recorded')
    .option('--uninstall-code-file <file>', 'SHA-256 of the uninstall code (default: <state-dir>/uninstall-code.sha256)')
    .option('--uninstall-code <code>', 'the code, for installers that cannot set MAMORI_UNINSTALL_CODE (MSI custom actions); process listings show it')
    .option('--json', 'print JSON')
    .action(async (options: { timeout: string; detail: string; discardUnsent?: boolean; uninstallCodeFile?: string; uninstallCode?: string; json?: boolean }) => {
      const timeoutMs = parseDurationMs(options.timeout, '--timeout');
      const settings = config();
      const result = await recordUninstall(settings, {
        timeoutMs, detail: options.detail, onProgress: progressPrinter(io), progressEveryMs: 2_000,
        ...(options.discardUnsent ? {
          discardUnsent: { code: options.uninstallCode ?? uninstallCodeFromEnvironment(), codeHashFile: options.uninstallCodeFile ?? join(settings.stateDir, 'uninstall-code.sha256') },
        } : {}),
      });
      print(options.json, result, describeUninstall(result));
    });

  program.command('fingerprint <file>')
    .description('register a sensitive document: print its entry for policy content.fingerprints (any format content inspection reads)')
    .requiredOption('--name <name>', 'name of the document in policy (lower-case, digits, _)')
    .option('--label-en <text>', 'what alerts and refusals call it in English')
    .option('--label-ja <text>', 'what alerts and refusals call it in Japanese')
    .option('--json', 'print JSON')
    .action(async (file: string, options: { name: string; labelEn?: string; labelJa?: string; json?: boolean }) => {
      const entry = await fingerprintDocument(file, options.name, { en: options.labelEn, ja: options.labelJa });
      print(options.json, entry, fingerprintYaml(entry));
    });

  return program;
}

/** Runs the CLI; returns the exit code. Errors become one line: "mamori-agent: <reason>". */
export async function runAgentCli(argv: string[], io: Output = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }): Promise<number> {
  const program = buildAgentProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    const message = error instanceof AgentError ? `${error.message} [${error.code}]` : error instanceof Error ? error.message : String(error);
    io.err(`mamori-agent: ${message.split('\n')[0]}\n`);
    return 1;
  }
}
