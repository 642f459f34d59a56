import type { Command } from 'commander';
import { defaultPolicyDir, parsePolicySources, readPolicyDir } from '@mamori/policies';
import { formatLocalTime, parseUntil } from '../exceptions.ts';
import type { CollectorStore } from '../store/open-store.ts';
import {
  grantUploadException, revokeUploadException, type UploadExceptionDeps,
} from '../upload-exceptions/upload-exception-service.ts';

interface CommandContext {
  withStore<T>(run: (store: CollectorStore) => Promise<T>): Promise<T>;
  print(json: boolean | undefined, data: unknown, text: string): void;
}

async function depsOf(store: CollectorStore): Promise<UploadExceptionDeps> {
  // Categories come from the newest stored policy version, as the running collector serves it (before its first
  // start there is none: the shipped defaults, which it will store as version 1).
  const latest = await store.latestPolicyVersion();
  const categories = Object.keys(parsePolicySources(latest?.sources ?? readPolicyDir(defaultPolicyDir)).categories);
  return {
    repo: store.repos.uploadExceptions, store, now: Date.now,
    pcNames: () => store.repos.deviceControl.pcNames(),
    categories: () => categories,
  };
}

/**
 * `upload-exception`, `upload-exception-revoke`, `upload-exceptions`: the CLI face of one-click upload exceptions.
 * They write the store; a running collector (another process) sees the change within 200 ms and pushes the PC's
 * policy, and the agent hands the browser extension the new rules at once.
 */
export function addUploadExceptionCommands(program: Command, context: CommandContext): void {
  program.command('upload-exception')
    .description('lift an upload block or warning on one PC for one category or domain until a time (pushed at once)')
    .requiredOption('--pc <pc>', 'PC name')
    .option('--user <user>', 'only this OS user on the PC (default: every user)')
    .option('--category <category>', 'a destination category of the policy, e.g. file_transfer')
    .option('--domain <domain>', 'or one domain (and its subdomains), e.g. gigafile.nu')
    .option('--until <time>', 'end time: HH:MM today (this machine\'s time zone) or ISO 8601')
    .option('--tomorrow', 'with --until HH:MM: that time tomorrow')
    .option('--for <duration>', 'or a duration, e.g. 2h')
    .option('--reason <text>', 'why', '')
    .option('--json', 'print JSON')
    .action(async (options: { pc: string; user?: string; category?: string; domain?: string; until?: string; for?: string; tomorrow?: boolean; reason: string; json?: boolean }) => {
      const untilMs = parseUntil(options, Date.now());
      const row = await context.withStore(async (store) => {
        const deps = await depsOf(store);
        return grantUploadException(deps, { pc: options.pc, user: options.user, category: options.category, domain: options.domain, untilMs, reason: options.reason }, 'cli');
      });
      const what = row.domain ?? `category ${row.category}`;
      context.print(options.json, row, `upload exception ${row.id}: ${row.pc}${row.user ? ` (${row.user})` : ''} may upload to ${what} until ${formatLocalTime(row.untilMs)}`);
    });

  program.command('upload-exception-revoke <id>')
    .description('end an upload exception now (a running collector pushes it to the agent within a second)')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const row = await context.withStore(async (store) => revokeUploadException(await depsOf(store), id, 'cli'));
      context.print(options.json, row, `upload exception ${row.id} revoked: ${row.pc} back to its upload policy`);
    });

  program.command('upload-exceptions')
    .description('list the upload exceptions in force')
    .option('--pc <pc>', 'only this PC')
    .option('--json', 'print JSON')
    .action(async (options: { pc?: string; json?: boolean }) => {
      const rows = await context.withStore((store) => (options.pc
        ? store.repos.uploadExceptions.active(options.pc, Date.now()) : store.repos.uploadExceptions.activeAll(Date.now(), 500)));
      const lines = rows.map((r) => `${r.id}  ${r.pc}${r.user ? ` (${r.user})` : ''}  ${r.domain ?? `category ${r.category}`}  until ${formatLocalTime(r.untilMs)}  ${r.reason}`);
      context.print(options.json, rows, lines.length > 0 ? lines.join('\n') : 'no upload exceptions in force');
    });
}
