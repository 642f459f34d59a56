/**
 * SHA-256 columns (file_copies, uploads, mail_attachments) hold a well-formed lower-case hex digest as its 32 bytes
 * (a BLOB: half the row and index bytes of the 64-character text) and anything else exactly as the agent sent it
 * (TEXT), so every value reads back unchanged. Migration 1401 converted the rows stored before.
 */
const digestHex = /^[0-9a-f]{64}$/;

/** The value to store, or to compare against, for a SHA-256 as text. */
export function hashValue(text: string): Buffer | string {
  return digestHex.test(text) ? Buffer.from(text, 'hex') : text;
}

/** A SQL expression reading a SHA-256 column back as the text it was stored from. */
export function hashText(column: string): string {
  return `(CASE typeof(${column}) WHEN 'blob' THEN lower(hex(${column})) ELSE ${column} END)`;
}
