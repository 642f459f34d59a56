import { execFile } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one program with arguments (never through a shell). A seam so enforcement is testable without root. */
export type CommandRunner = (command: string, args: readonly string[]) => Promise<CommandResult>;

/** The real runner: execFile with a timeout, so a hung umount cannot stall device control forever. */
export const execCommand: CommandRunner = (command, args) => new Promise((resolve) => {
  execFile(command, [...args], { timeout: 15_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
    const code = error ? (typeof error.code === 'number' ? error.code : 127) : 0;
    resolve({ code, stdout: String(stdout), stderr: String(stderr || (error && code === 127 ? error.message : '')) });
  });
});
