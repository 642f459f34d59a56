/**
 * Which collector projects (issue 14 item 3): on a database shared by several collectors exactly one projects at a
 * time, so its alert engine sees every event once; another takes over when it dies.
 */
export interface ProjectionLeadership {
  /** Whether this collector holds the leadership now. */
  readonly isLeader: boolean;
  /** Calls `listener` each time this collector gains or loses the leadership. */
  onChange(listener: (leader: boolean) => void): void;
  /** Gives the leadership up for good (another collector takes it over). */
  close(): Promise<void>;
}
