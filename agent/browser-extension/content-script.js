// @ts-check
/* global chrome, crypto, document, window, addEventListener, HTMLInputElement */
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
    if (file.size <= MAX_HASH_BYTES) {
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

// enforce.js hands files to the page itself after the user confirmed a warning (an untrusted re-dispatch).
/** @type {any} */ (globalThis).mamoriNote = note;

/** @param {File} file */
async function sha256(file) {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

document.addEventListener('mamori:blob-upload', (event) => {
  /** @type {{name?: unknown, size?: unknown, url?: unknown}} */
  let claim;
  try {
    claim = JSON.parse(String(/** @type {CustomEvent} */ (event).detail));
  } catch {
    return;
  }
  if (typeof claim.size !== 'number' || typeof claim.url !== 'string') return;
  const match = [...chosen].reverse().find((c) => c.file.size === claim.size && (!claim.name || c.file.name === claim.name));
  if (!match || match.file.size > MAX_HASH_BYTES) return;
  const { file, method } = match;
  void sha256(file).then((hash) => tell({ kind: 'blob-upload', url: claim.url, name: file.name, size: file.size, sha256: hash, method }));
});

// Tells the service worker which page this tab shows (sender.url), so reports name the page, not only the origin.
if (window === window.top) tell({ kind: 'page' });
