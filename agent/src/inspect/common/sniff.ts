/** What a file is, by its first bytes (and, for text and archives, its name). */
export type ContentFormat = 'text' | 'csv' | 'zip' | 'docx' | 'xlsx' | 'pptx' | 'pdf' | 'eml' | 'unsupported';

export interface Sniffed {
  format: ContentFormat;
  /** The MIME type the bytes show (not the one a name or a mail header claims). */
  detectedType: string;
}

const signatures: { bytes: number[]; type: string }[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47], type: 'image/png' },
  { bytes: [0xff, 0xd8, 0xff], type: 'image/jpeg' },
  { bytes: [0x47, 0x49, 0x46, 0x38], type: 'image/gif' },
  { bytes: [0x4d, 0x5a], type: 'application/vnd.microsoft.portable-executable' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], type: 'application/x-elf' },
  // OLE2 compound file: legacy .doc/.xls/.ppt, and Office files encrypted with a password (even .docx/.xlsx).
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], type: 'application/x-ole-storage' },
  { bytes: [0x1f, 0x8b], type: 'application/gzip' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], type: 'application/x-7z-compressed' },
  { bytes: [0x52, 0x61, 0x72, 0x21], type: 'application/vnd.rar' },
];

export const ooxmlTypes = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
} as const;

function startsWith(head: Uint8Array, bytes: readonly number[]): boolean {
  return bytes.every((byte, index) => head[index] === byte);
}

/** RFC 5322 header block: a first line "Name: value" and a From/Date/MIME-Version/Received header before the blank line. */
function looksLikeMail(head: Uint8Array): boolean {
  const text = Buffer.from(head.subarray(0, 4096)).toString('latin1');
  if (!/^[A-Za-z][A-Za-z0-9-]*:[ \t]/.test(text)) return false;
  const headers = text.split(/\r?\n\r?\n/, 1)[0] ?? '';
  return /^(from|date|mime-version|received|message-id|return-path):/im.test(headers) && /^(from|mime-version|received):/im.test(headers);
}

/**
 * Sniffs the first bytes (4 KB is plenty). Zip archives are refined to docx/xlsx/pptx once their entries are
 * read. `isText` says whether the head decodes as text (the text reader's own check).
 */
export function sniff(head: Uint8Array, name: string, isText: boolean, declaredType = ''): Sniffed {
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return { format: 'zip', detectedType: 'application/zip' };
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) return { format: 'pdf', detectedType: 'application/pdf' };
  for (const signature of signatures) {
    if (startsWith(head, signature.bytes)) return { format: 'unsupported', detectedType: signature.type };
  }
  if (!isText) return { format: 'unsupported', detectedType: 'application/octet-stream' };
  if (/^message\/rfc822/i.test(declaredType) || /\.eml$/i.test(name) || looksLikeMail(head)) return { format: 'eml', detectedType: 'message/rfc822' };
  if (/\.(csv|tsv)$/i.test(name) || /^text\/(csv|tab-separated-values)/i.test(declaredType)) return { format: 'csv', detectedType: 'text/csv' };
  return { format: 'text', detectedType: 'text/plain' };
}
