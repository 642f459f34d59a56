/**
 * Changes committed by any process on the shared database that a collector must pass on to its connected agents
 * (issue 14 item 3), alerts stored or changed by any collector, for every console's live view, and console settings
 * (SMTP server, public URL, time zone, mail language) changed through any collector's console. Kept driver-neutral so feature code subscribes without knowing how changes are heard.
 */
export type ChangeKind = 'policyVersion' | 'deviceException' | 'uploadException' | 'accessOutcome' | 'alert' | 'setting';

export const changeKinds: readonly ChangeKind[] = ['policyVersion', 'deviceException', 'uploadException', 'accessOutcome', 'alert', 'setting'];

export interface ChangeFeed {
  /** Calls `listener` with the changed row's id each time a change of `kind` commits, whoever committed it. */
  on(kind: ChangeKind, listener: (id: string) => void): void;
  /**
   * Calls `listener` each time the feed (re)connects, the first time included: changes committed while it was not
   * listening were never heard, so subscribers catch up from their cursors.
   */
  onResync(listener: () => void): void;
  /** Stops listening for good (no reconnect). */
  close(): Promise<void>;
}
