/** An upload access request's destination as the event carries it (AccessRequestEvent.upload; untrusted text). */
interface UploadAccessField {
  host?: string;
  domain?: string;
  category?: string;
  fileNames?: string[];
}

/**
 * The access_requests upload columns for one REQUESTED event, bounded (the PC wrote it), the same for SQLite and
 * PostgreSQL; empty for a device request.
 */
export function uploadColumns(upload: UploadAccessField | null | undefined): { uploadHost: string; uploadDomain: string; uploadCategory: string; uploadFiles: string } {
  return {
    uploadHost: (upload?.host ?? '').slice(0, 253),
    uploadDomain: (upload?.domain ?? '').slice(0, 253),
    uploadCategory: (upload?.category ?? '').slice(0, 64),
    uploadFiles: JSON.stringify((upload?.fileNames ?? []).slice(0, 20).map((name) => String(name).slice(0, 256))),
  };
}
