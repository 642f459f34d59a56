export interface SavedAlertFilter {
  id: number;
  name: string;
  /** The filter as the console sends it to the alert list (validated by the HTTP layer). */
  filter: Record<string, unknown>;
  createdMs: number;
}

/** Each user's named alert-list filters. */
export interface SavedAlertFiltersRepository {
  /** One user's saved filters, by name. */
  list(username: string): Promise<SavedAlertFilter[]>;
  /** Saves under a name; saving the same name again replaces that user's filter of that name. */
  save(username: string, name: string, filter: Record<string, unknown>, nowMs: number): Promise<SavedAlertFilter>;
  /** Deletes one of that user's filters; false when it is not theirs or does not exist. */
  delete(username: string, id: number): Promise<boolean>;
}
