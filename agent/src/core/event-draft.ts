import type { Event } from '@mamori/proto';

/**
 * An event as a sensor produces it: the payload plus the user where the sensor knows it. The recorder adds the
 * sequence number, time, agent id and PC name when it journals the event.
 */
export type EventDraft = Omit<Event, 'seq' | 'timeMs' | 'agentId' | 'pc'> & { timeMs?: number };
