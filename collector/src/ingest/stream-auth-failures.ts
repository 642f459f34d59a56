import type { CollectorHub } from '../hub.ts';
import { RateLimitedRecorder } from '../rate-limited-recorder.ts';
import type { Store } from '../store/store.ts';
import type { IntegrityFinding } from '../store/types.ts';

/** What one failed stream authentication names: the agent it claimed (and its PC when known) and where it came from. */
interface AuthFailure {
  kind: 'stream_unknown_agent' | 'stream_auth_failed';
  agentId: string;
  pc: string;
  peer: string;
}

export interface StreamAuthFailuresOptions {
  store: Pick<Store, 'recordIntegrityFinding'>;
  hub: CollectorHub;
  /** Wall clock for the findings' time. */
  now: () => number;
  windowMs?: number;
  maxKeys?: number;
  monotonicNow?: () => number;
  onError?: (error: unknown) => void;
}

/** "ipv4:10.0.0.5:51234" / "[::1]:51234" / "10.0.0.5:51234" → the address without its port (a unix socket as is). */
export function peerHost(peer: string): string {
  if (peer.startsWith('unix:')) return peer;
  const bare = peer.replace(/^ipv[46]:/, '');
  const bracketed = /^\[([^\]]+)\]/.exec(bare);
  if (bracketed) return bracketed[1]!;
  return (bare.match(/:/g) ?? []).length === 1 ? bare.slice(0, bare.lastIndexOf(':')) : bare;
}

/**
 * Records agent streams that fail to authenticate — an agent id the collector does not know (or has retired), or
 * a known agent's id without its key — as integrity findings, which raise alerts. Rate-limited: a stranger is
 * followed per source address, a failed proof per agent it claimed; the first failure is recorded at once and a
 * flood adds one finding with a count per minute, so retrying in a loop cannot fill the disk.
 */
export class StreamAuthFailures {
  readonly #options: StreamAuthFailuresOptions;
  readonly #recorder: RateLimitedRecorder<AuthFailure>;

  constructor(options: StreamAuthFailuresOptions) {
    this.#options = options;
    this.#recorder = new RateLimitedRecorder<AuthFailure>({
      windowMs: options.windowMs ?? 60_000, maxKeys: options.maxKeys ?? 256, overflowKey: 'overflow',
      ...(options.monotonicNow ? { monotonicNow: options.monotonicNow } : {}),
      write: ({ first, count, detail, windowMs }) => this.#write(detail, first, count, windowMs),
    });
  }

  /** The hello named an agent id that is not enrolled here, or whose agent was retired. */
  unknownAgent(agentId: string, known: { pc: string } | undefined, peer: string): void {
    const host = peerHost(peer);
    this.#recorder.hit(`unknown ${host}`, { kind: 'stream_unknown_agent', agentId: agentId.slice(0, 80), pc: known?.pc ?? '', peer: host });
  }

  /** The stream named an enrolled agent but its answer to the challenge does not verify with that agent's key. */
  badProof(agent: { id: string; pc: string }, peer: string): void {
    this.#recorder.hit(`proof ${agent.id}`, { kind: 'stream_auth_failed', agentId: agent.id, pc: agent.pc, peer: peerHost(peer) });
  }

  /** Writes pending counts (at shutdown). */
  close(): void {
    this.#recorder.close();
  }

  #write(failure: AuthFailure, first: boolean, count: number, windowMs: number): void {
    const what = failure.kind === 'stream_unknown_agent'
      ? `agent id ${JSON.stringify(failure.agentId)} is not enrolled here (or retired)`
      : 'could not prove the agent\'s key';
    const detail = first
      ? `stream from ${failure.peer}: ${what}`
      : `${count} more failed stream authentication${count === 1 ? '' : 's'} in ${Math.round(windowMs / 1000)} s, latest from ${failure.peer}: ${what}`;
    const finding: IntegrityFinding = { agentId: failure.agentId, pc: failure.pc, timeMs: this.#options.now(), kind: failure.kind, detail, count };
    this.#options.store.recordIntegrityFinding(finding).then(
      () => this.#options.hub.emit('integrity', finding),
      this.#options.onError ?? ((error: unknown) => console.error('mamori stream auth findings:', error)),
    );
  }
}
