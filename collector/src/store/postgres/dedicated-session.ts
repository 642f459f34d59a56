import type pg from 'pg';

/**
 * Calls `onLost` once when a dedicated session (LISTEN, a session advisory lock) errors or ends, and ends its client.
 * Attach before `connect()`: an error on an idle client is emitted, and unhandled it would kill the process.
 * Returns the same once-only call, for a failure the caller sees itself (connect or the first query).
 */
export function onSessionLost(client: pg.Client, onLost: (error?: Error) => void): (error?: Error) => void {
  let lost = false;
  const lose = (error?: Error) => {
    if (lost) return;
    lost = true;
    void client.end().catch(() => undefined);
    onLost(error);
  };
  client.on('error', lose);
  client.on('end', () => lose());
  return lose;
}
