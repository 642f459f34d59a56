/** An event as the rule engine sees it: where it came from and its payload (untrusted text from a PC). */
export interface EngineEvent {
  /** events.id of the stored event. */
  id: number;
  agentId: string;
  pc: string;
  user: string;
  timeMs: number;
  /** Payload kind in snake case: file_copy, print_job, mail … */
  kind: string;
  payload: Record<string, unknown>;
}

// The stored alert's shapes live in the store's neutral module (the store imports no feature folder).
export type { Alert, AlertCandidate, AlertResolution, AlertStatus, OfflinePc } from '../store/repositories/alerts.ts';
