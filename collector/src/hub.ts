import { EventEmitter } from 'node:events';
import type { Event__Output } from '@mamori/proto';
import type { IntegrityFinding, StoredEvent } from './store/types.ts';

/** A stored event with its decoded form, as the alert engine and live views receive it. */
export interface IngestedEvent {
  stored: StoredEvent;
  event: Event__Output;
}

interface HubEvents {
  /** Events just stored, in seq order per agent. */
  events: [IngestedEvent[]];
  /** Something the collector noticed about an agent's evidence (tamper, gaps, re-enrollment). */
  integrity: [IntegrityFinding];
  /** An agent's stream opened or closed. */
  connection: [{ agentId: string; pc: string; connected: boolean; timeMs: number }];
}

/** In-process fan-out from ingest to the features that react to new data (alerts, live console). */
export class CollectorHub extends EventEmitter<HubEvents> {}
