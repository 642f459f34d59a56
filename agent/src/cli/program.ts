import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { loadAgentConfig } from '../config/load.ts';
import { Journal } from '../core/journal.ts';
import { AgentError } from '../errors.ts';
import { runAgent } from '../main.ts';
import { readIdentity, readSavedPolicy, stateFiles } from '../state/identity.ts';
import { enroll } from '../uplink/enroll.ts';
import { readAllStdin, readEnrollToken } from './enroll-token.ts';
import { recordUninstall } from './record-uninstall.ts';

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

function processAlive(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/** `mamori-agent`: every command has --help, exits non-zero with a one-line reason, --json where it prints data. */
export function buildAgentProgram(io: Output): Command {
  const program = new Command('mamori-agent')
    .description('Mamori agent: records how data leaves this PC and enforces device policy')
    .option('-s, --state-dir <dir>', 'state directory (default: /var/lib/mamori, or MAMORI_AGENT_STATE)')
    .option('-c, --config <file>', 'config file (default: <state-dir>/agent.yaml)')
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
      print(options.json, { agentId: identity.agentId, pc: identity.pc, collector: identity.collectorAddress },
        `enrolled ${identity.pc} as ${identity.agentId} with ${identity.collectorAddress}`);
    });

  program.command('run')
    .description('run the agent in the foreground (what the service runs)')
    .action(async () => {
      const agent = await runAgent(config());
      io.err(`mamori-agent ${agent.identity.agentId} (${agent.identity.pc}) running; collector ${agent.identity.collectorAddress}\n`);
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
      const { stateDir } = config();
      const { identity } = readIdentity(stateDir);
      const policy = readSavedPolicy(stateDir);
      const journal = new Journal(join(stateDir, stateFiles.journal), { maxBytes: Number.MAX_SAFE_INTEGER });
      const backlog = journal.backlog();
      const lastSeq = journal.lastSeq;
      journal.close();
      const pid = processAlive(join(stateDir, stateFiles.pid));
      const status = {
        agentId: identity.agentId, pc: identity.pc, collector: identity.collectorAddress, running: pid !== undefined, pid: pid ?? null,
        lastSeq, unsentEvents: backlog.events, policyVersion: policy?.version ?? 0, deviceMode: policy?.device.mode ?? 'unknown',
        exceptions: policy?.device.exceptions ?? [],
      };
      print(options.json, status, [
        `agent      ${status.agentId} (${status.pc})`, `collector  ${status.collector}`,
        `running    ${status.running ? `yes (pid ${status.pid})` : 'no'}`, `journal    last seq ${lastSeq}, ${backlog.events} not yet acknowledged`,
        `policy     version ${status.policyVersion}, USB storage: ${status.deviceMode}, ${status.exceptions.length} exception(s)`,
      ].join('\n'));
    });

  program.command('record-uninstall')
    .description('record that the agent is being uninstalled and send it to the collector (run by uninstallers)')
    .option('--timeout <seconds>', 'how long to try to deliver it', '15')
    .option('--detail <text>', 'what removed it (installer name, user)', 'package removed')
    .option('--json', 'print JSON')
    .action(async (options: { timeout: string; detail: string; json?: boolean }) => {
      const seconds = Number(options.timeout);
      if (!Number.isFinite(seconds) || seconds < 0) throw new AgentError('AGENT_USAGE', '--timeout must be a number of seconds');
      const result = await recordUninstall(config(), { timeoutMs: seconds * 1000, detail: options.detail });
      print(options.json, result, `recorded UNINSTALLED as event ${result.seq}; ${result.delivered ? 'delivered to the collector' : 'not delivered yet (the collector was not reachable)'}`);
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
