import type { CollectorMessage } from '@mamori/proto';

export interface AgentSession {
  agentId: string;
  pc: string;
  send(message: CollectorMessage): void;
  /** Ends the stream, e.g. when the same agent connects again. */
  close(): void;
}

/** The agents connected right now, so policy and commands can be pushed down their streams at once. */
export class SessionRegistry {
  readonly #byAgent = new Map<string, AgentSession>();

  add(session: AgentSession): void {
    const previous = this.#byAgent.get(session.agentId);
    this.#byAgent.set(session.agentId, session);
    if (previous && previous !== session) previous.close();
  }

  remove(session: AgentSession): void {
    if (this.#byAgent.get(session.agentId) === session) this.#byAgent.delete(session.agentId);
  }

  byPc(pc: string): AgentSession[] {
    return [...this.#byAgent.values()].filter((s) => s.pc === pc);
  }

  all(): AgentSession[] {
    return [...this.#byAgent.values()];
  }

  isConnected(agentId: string): boolean {
    return this.#byAgent.has(agentId);
  }
}
