// @ts-check
/* global chrome, crypto, document, window, location, fetch, addEventListener, HTMLInputElement */
/**
 * Mamori upload monitor: content script (isolated world, every frame, from document_start).
 *
 * It notes how files enter a page: chosen in an <input type=file> or dropped. Only trusted events count
 * (event.isTrusted: made by the user through the browser, not dispatched by page script), seen by capture-phase
 * listeners on the window before the page's own handlers can stop them. The service worker matches these notes
 * by file name to the request that later carries the file. A note alone never becomes an upload record: only a
 * request that really carries the file does.
 *
 * For a File sent as the whole body (no local path in webRequest), this script hashes the File the user chose,
 * when the page-world hook (page-hook.js) says a Blob of that name and size is being sent.
 */

/** Files chosen by the user in this frame, newest last (bounded). @type {{file: File, method: 'input' | 'drop' | 'paste'}[]} */
const chosen = [];
/** Files above this are reported without a hash rather than read into memory. */
const MAX_HASH_BYTES = 256 * 1024 * 1024;
/**
 * Chosen files up to this size are hashed at once (a plain form post may navigate away before anyone asks);
 * larger ones only when the service worker asks (a parsed form post or a resumable upload needs the hash), so a
 * big file going out whole — which the agent hashes from disk — is not also read here while the page uploads it.
 */
const EAGER_HASH_BYTES = 8 * 1024 * 1024;

/** @param {object} message */
function tell(message) {
  try {
    void chrome.runtime.sendMessage(message).catch(() => undefined);
  } catch {
    // Extension reloaded under this page: nothing to tell any more.
  }
}

/** @param {'input' | 'drop' | 'paste'} method @param {FileList | File[] | null | undefined} list */
function note(method, list) {
  const files = Array.from(list ?? []).slice(0, 1000);
  if (files.length === 0) return;
  for (const file of files) chosen.push({ file, method });
  chosen.splice(0, Math.max(0, chosen.length - 200));
  tell({ kind: 'selection', method, files: files.map((file) => ({ name: file.name, size: file.size })) });
  // A plain form post with other fields reaches webRequest parsed (formData: names only, no local path), so the
  // file's hash must come from here; it is computed now because the page may be gone once the form is sent.
  for (const file of files) {
    if (file.size <= EAGER_HASH_BYTES) {
      void sha256(file).then((hash) => tell({ kind: 'selection-hash', method, name: file.name, size: file.size, sha256: hash }), () => undefined);
    }
  }
}

addEventListener('change', (event) => {
  const target = event.target;
  if (event.isTrusted && target instanceof HTMLInputElement && target.type === 'file') note('input', target.files);
}, true);

addEventListener('drop', (event) => {
  if (event.isTrusted) note('drop', event.dataTransfer?.files);
}, true);

addEventListener('paste', (event) => {
  if (event.isTrusted && (event.clipboardData?.files.length ?? 0) > 0) note('paste', event.clipboardData?.files);
}, true);

chrome.runtime.onMessage.addListener((message) => {
  if (message?.kind !== 'hash-selection' || typeof message.name !== 'string' || typeof message.size !== 'number') return;
  const match = [...chosen].reverse().find((c) => c.file.name === message.name && c.file.size === message.size);
  if (!match || match.file.size > MAX_HASH_BYTES) return;
  void sha256(match.file).then((hash) => tell({ kind: 'selection-hash', method: match.method, name: match.file.name, size: match.file.size, sha256: hash }), () => undefined);
});

// enforce.js hands files to the page itself after the user confirmed a warning (an untrusted re-dispatch).
/** @type {any} */ (globalThis).mamoriNote = note;

/** @param {Blob} file */
async function sha256(file) {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

document.addEventListener('mamori:blob-upload', (event) => {
  /** @type {{name?: unknown, size?: unknown, url?: unknown, blobUrl?: unknown, part?: unknown}} */
  let claim;
  try {
    claim = JSON.parse(String(/** @type {CustomEvent} */ (event).detail));
  } catch {
    return;
  }
  if (typeof claim.size !== 'number' || typeof claim.url !== 'string' || claim.size > MAX_HASH_BYTES) return;
  const name = typeof claim.name === 'string' ? claim.name : '';
  const match = [...chosen].reverse().find((c) => c.file.size === claim.size && (!name || c.file.name === name));
  // A FormData part that is a file the user chose already has its path: from disk, or (pasted) hashed by name
  // (selection-hash). Only parts the page made are read here, so a chosen file is never read twice.
  const part = claim.part === true;
  if (part && (match || !name)) return;
  // The bytes come from the Blob the page handed to fetch/XHR (a blob: URL of this origin), so a Blob the page
  // built itself is hashed as sent. Without a blob URL (older hook) only a chosen file can be vouched for.
  const blobUrl = typeof claim.blobUrl === 'string' && claim.blobUrl.startsWith(`blob:${location.origin}/`) ? claim.blobUrl : undefined;
  const bytes = blobUrl ? fetch(blobUrl).then((r) => r.blob()) : Promise.resolve(match?.file);
  void bytes.then(async (blob) => {
    if (!blob || blob.size !== claim.size) return;
    // A Blob equal in name and size to a file the user chose is that file; anything else the page made.
    const method = match ? match.method : 'script';
    tell({ kind: 'blob-upload', url: claim.url, name: match?.file.name ?? name, size: blob.size, sha256: await sha256(blob), method, ...(part ? { part } : {}) });
  }, () => undefined);
});

// The page hook's note of a chunked upload piece's size (see chunked.js: used only to add up confirmed parts).
document.addEventListener('mamori:upload-piece', (event) => {
  try {
    const note = JSON.parse(String(/** @type {CustomEvent} */ (event).detail));
    if (typeof note.url === 'string' && typeof note.size === 'number') tell({ kind: 'piece', url: note.url.slice(0, 4096), size: note.size });
  } catch {
    // not ours
  }
});

// Tells the service worker which page this tab shows (sender.url), so reports name the page, not only the origin.
if (window === window.top) tell({ kind: 'page' });
