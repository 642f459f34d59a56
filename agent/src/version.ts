/** Reported in heartbeats and lifecycle events. */
export const agentVersion = '0.1.0';
