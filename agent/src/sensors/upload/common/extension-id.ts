import { createHash } from 'node:crypto';

/**
 * The id Chrome and Edge give our extension. It is fixed by the public `key` in browser-extension/manifest.json
 * (id = first 128 bits of SHA-256 of the key, hex digits mapped 0-f → a-p), so the agent can pin the Origin
 * `chrome-extension://<id>` that only this extension's own pages and service worker carry. A test checks this
 * constant against the manifest. A store-published build with a different key needs its id added in config.
 */
export const PINNED_EXTENSION_ID = 'ngdcehmcbbbcfbpeoeboiacioikbokfc';

/** The extension id Chrome derives from a manifest `key` (base64 DER SubjectPublicKeyInfo). */
export function extensionIdFromKey(base64Key: string): string {
  const digest = createHash('sha256').update(Buffer.from(base64Key, 'base64')).digest('hex').slice(0, 32);
  return [...digest].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
}
