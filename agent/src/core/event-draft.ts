import type { Event } from '@mamori/proto';

/**
 * An event as a sensor produces it: the payload plus the user where the sensor knows it. The recorder adds the
 * sequence number, time, agent id and PC name when it journals the event.
 */
export type EventDraft = Omit<Event, 'seq' | 'timeMs' | 'agentId' | 'pc'> & { timeMs?: number };

/**
 * Hands an event to the agent's journal. Synchronous: when it returns, the event is durably journaled with its
 * sequence number, so a sensor or device control may act (block, cancel, relay) only after emitting.
 */
export type Emit = (event: EventDraft) => number;
