/**
 * Upload methods the extension cannot see or fold (also in browser-extension/README.md "Known gaps"); the sensor's
 * status names them, so `mamori-agent status` never suggests more coverage than there is.
 */
export const UNSEEN_UPLOAD_METHODS = [
  'tus / Google resumable / S3 multipart parts (not folded into one record)',
  'bodies sent from page workers',
  'Blob bodies sent with a fetch the page-world hook never saw',
  'files over 256 MiB sent whole or in a parsed form post',
] as const;
