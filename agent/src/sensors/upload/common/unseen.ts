/**
 * Upload methods the extension cannot see or fold (also in browser-extension/README.md "Known gaps"); the sensor's
 * status names them, so `mamori-agent status` never suggests more coverage than there is.
 */
export const UNSEEN_UPLOAD_METHODS = [
  'chunked uploads of content the page generated (no chosen file of the total size)',
  'S3 multipart parts whose size the page hook did not see (no record rather than a wrong one)',
  'bodies sent from page workers',
  'Blob bodies and page-made FormData Blob parts sent with a fetch the page-world hook never saw',
  'page-made Blob parts in a FormData that also carries a file from disk (only the disk file is recorded)',
  'files over 256 MiB sent whole or in a parsed form post',
] as const;
