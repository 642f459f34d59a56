import { EventEmitter } from 'node:events';
import type { IntegrityFinding, ProjectedEvent } from './store/types.ts';

/** A stored event with its decoded form, as the alert engine and live views receive it. */
export type IngestedEvent = ProjectedEvent;

interface HubEvents {
  /** Events just stored and projected into the query tables, in storage order. */
  events: [IngestedEvent[]];
  /** Something the collector noticed about an agent's evidence (tamper, gaps, re-enrollment). */
  integrity: [IntegrityFinding];
  /** Risk scores taking in these agents' events were written (their employees' tray views may have changed). */
  riskScored: [{ agentIds: string[] }];
  /** An agent's stream opened or closed. */
  connection: [{ agentId: string; pc: string; connected: boolean; timeMs: number }];
}

/** In-process fan-out from ingest to the features that react to new data (alerts, live console). */
export class CollectorHub extends EventEmitter<HubEvents> {}
