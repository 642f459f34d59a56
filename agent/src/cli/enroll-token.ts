import { readFileSync } from 'node:fs';
import { AgentError } from '../errors.ts';

/**
 * Where `enroll` takes the token from. A token given as an argument is visible to every local user in the
 * process list (`ps`, /proc/<pid>/cmdline) while enrollment runs, so installers pass it on stdin (`-` or no
 * argument) or in a file (--token-file, e.g. a 0600 file an MDM/Ansible copied); the argument stays for a human
 * at a keyboard.
 */
export interface TokenSource {
  argument?: string;
  file?: string;
  /** Reads all of stdin (replaceable in tests). */
  readStdin: () => Promise<string>;
}

/** The first line of whichever source was given, trimmed; throws AGENT_USAGE when there is none or two. */
export async function readEnrollToken(source: TokenSource): Promise<string> {
  if (source.argument !== undefined && source.argument !== '-' && source.file !== undefined) {
    throw new AgentError('AGENT_USAGE', 'give the token as an argument, on stdin or with --token-file, not two of them');
  }
  let text: string;
  if (source.file !== undefined) {
    try {
      text = readFileSync(source.file, 'utf8');
    } catch (error) {
      throw new AgentError('AGENT_USAGE', `cannot read --token-file ${source.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  } else if (source.argument === undefined || source.argument === '-') {
    text = await source.readStdin();
  } else {
    text = source.argument;
  }
  const token = (text.split(/\r?\n/).find((line) => line.trim() !== '') ?? '').trim();
  if (!token) throw new AgentError('AGENT_USAGE', 'no enrollment token (argument, stdin or --token-file)');
  return token;
}

/** All of stdin; refuses to wait on a terminal (the user forgot the token). */
export function readAllStdin(): Promise<string> {
  if (process.stdin.isTTY) return Promise.reject(new AgentError('AGENT_USAGE', 'no enrollment token: pass it on stdin (echo TOKEN | mamori-agent enroll -) or with --token-file'));
  return new Promise((resolve, reject) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => (text += chunk));
    process.stdin.on('end', () => resolve(text));
    process.stdin.on('error', reject);
  });
}
