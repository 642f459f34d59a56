export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one program with arguments (never through a shell). A seam so enforcement is testable without root. */
export type CommandRunner = (command: string, args: readonly string[]) => Promise<CommandResult>;

// The real runner (child_process) is control/node/exec-command.ts: common/ holds no OS mechanism.
