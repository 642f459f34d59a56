/**
 * Changes committed by any process on the shared database that a collector must pass on to its connected agents
 * (issue 14 item 3), and alerts stored or changed by any collector, for every console's live view. Kept driver-neutral so feature code subscribes without knowing how changes are heard.
 */
export type ChangeKind = 'policyVersion' | 'deviceException' | 'uploadException' | 'accessOutcome' | 'alert';

export const changeKinds: readonly ChangeKind[] = ['policyVersion', 'deviceException', 'uploadException', 'accessOutcome', 'alert'];

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
