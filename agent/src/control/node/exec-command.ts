import { execFile } from 'node:child_process';
import type { CommandRunner } from '../common/command-runner.ts';

/** The real runner: execFile with a timeout, so a hung umount cannot stall device control forever. */
export const execCommand: CommandRunner = (command, args) => new Promise((resolve) => {
  execFile(command, [...args], { timeout: 15_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
    const code = error ? (typeof error.code === 'number' ? error.code : 127) : 0;
    resolve({ code, stdout: String(stdout), stderr: String(stderr || (error && code === 127 ? error.message : '')) });
  });
});
