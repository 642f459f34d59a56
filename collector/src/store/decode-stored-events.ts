import { decodeEvent, type Event__Output } from '@mamori/proto';
import type { ProjectedEvent, StoredEvent } from './types.ts';

/** Stored events with their decoded payloads; one that does not decode is skipped (projection made it a finding). */
export function decodeStoredEvents(rows: StoredEvent[]): ProjectedEvent[] {
  const events: ProjectedEvent[] = [];
  for (const stored of rows) {
    let event: Event__Output;
    try {
      event = decodeEvent(stored.bytes);
    } catch {
      continue;
    }
    events.push({ stored, event });
  }
  return events;
}
