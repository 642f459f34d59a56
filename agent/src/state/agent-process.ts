import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stateFiles } from './identity.ts';

/**
 * The pid of the agent process that holds this state folder (the service, or a maintenance session), or undefined
 * when none is alive. The pid file is written by runAgent and removed on a graceful stop; a SIGKILLed agent leaves
 * it behind, hence the liveness check.
 */
export function runningAgentPid(stateDir: string): number | undefined {
  const file = join(stateDir, stateFiles.pid);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: alive, owned by someone else (the service runs as root).
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}
