import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { AgentError } from '../errors.ts';

/**
 * Checks the administrator's uninstall code against the SHA-256 kept in `hashFile` (the same file the uninstallers
 * check before removal: one hex digest, as `printf %s CODE | sha256sum` writes it). Throws when no code is
 * configured, none was given, or it does not match: discarding unsent evidence is never possible without it.
 */
export function checkUninstallCode(hashFile: string, code: string | undefined): void {
  if (!existsSync(hashFile)) {
    throw new AgentError('AGENT_UNINSTALL_CODE_REQUIRED', `none is configured on this PC (${hashFile} is missing)`);
  }
  if (!code) throw new AgentError('AGENT_UNINSTALL_CODE_REQUIRED', 'give it in MAMORI_UNINSTALL_CODE');
  const expected = Buffer.from(readFileSync(hashFile, 'utf8').trim().split(/\s+/)[0] ?? '', 'hex');
  const given = createHash('sha256').update(code).digest();
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new AgentError('AGENT_UNINSTALL_CODE_REQUIRED', 'the code given does not match');
  }
}
