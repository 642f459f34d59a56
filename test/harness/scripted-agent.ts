import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RunningAgent } from '@mamori/agent';
import { runTestAgent } from './agent.ts';
import { runAgentCommand } from './agent-script.ts';
import { killHard } from './collector.ts';

const script = fileURLToPath(new URL('./scripted-agent-child.ts', import.meta.url));

/** A real agent process (scripted-agent-child.ts) that a test drives one command at a time. */
export class ScriptedAgent {
  readonly child: ChildProcess;
  #buffer = '';
  #lines: string[] = [];
  #waiting: ((line: string) => void) | undefined;
  #exited: string | undefined;
  #onExit: ((reason: string) => void) | undefined;

  private constructor(child: ChildProcess) {
    this.child = child;
    child.stdout!.on('data', (chunk: Buffer) => {
      this.#buffer += chunk.toString();
      let end: number;
      while ((end = this.#buffer.indexOf('\n')) >= 0) {
        const line = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 1);
        if (this.#waiting) {
          this.#onExit = undefined;
          const wake = this.#waiting;
          this.#waiting = undefined;
          wake(line);
        } else {
          this.#lines.push(line);
        }
      }
    });
    child.once('exit', (code, signal) => {
      this.#exited = `agent exited ${code ?? signal}`;
      this.#onExit?.(this.#exited);
    });
  }

  static async start(stateDir: string): Promise<ScriptedAgent> {
    const child = spawn(process.execPath, ['--import', 'tsx', script, stateDir], { stdio: ['pipe', 'pipe', 'inherit'] });
    const agent = new ScriptedAgent(child);
    const first = await agent.#next(20_000);
    if (first !== 'ready') throw new Error(`agent did not start: ${first}`);
    return agent;
  }

  /** Sends one command and resolves with the agent's one-line answer. */
  async ask(command: string, timeoutMs = 20_000): Promise<string> {
    this.child.stdin!.write(`${command}\n`);
    return this.#next(timeoutMs);
  }

  async status(): Promise<{ head: number; backlog: { events: number }; uplink: { connected: boolean; quarantined: number; ackedSeq: number } }> {
    return JSON.parse(await this.ask('status')) as Awaited<ReturnType<ScriptedAgent['status']>>;
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.ask('stop');
    await exited;
  }

  async kill(): Promise<void> {
    await killHard(this.child);
  }

  #next(timeoutMs: number): Promise<string> {
    const queued = this.#lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#exited) return Promise.reject(new Error(this.#exited));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('agent did not answer in time')), timeoutMs);
      this.#onExit = (reason) => { clearTimeout(timer); reject(new Error(reason)); };
      this.#waiting = (line) => { clearTimeout(timer); resolve(line); };
    });
  }
}

/**
 * The same commands answered by an agent running in this process: for the set-up phases of a test, where what
 * matters is only what ends up in the journal and on the collector (it starts in a fraction of a process's time).
 */
export class InProcessAgent {
  readonly #agent: RunningAgent;
  #stopped = false;

  private constructor(agent: RunningAgent) {
    this.#agent = agent;
  }

  static async start(stateDir: string): Promise<InProcessAgent> {
    return new InProcessAgent(await runTestAgent(stateDir));
  }

  async ask(command: string): Promise<string> {
    return runAgentCommand(this.#agent, command);
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#agent.stop();
  }
}
