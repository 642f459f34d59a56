import type { Categories } from '@mamori/policies';

/**
 * The category of a destination host: the category holding the longest domain that equals the host or is a
 * parent of it ("upload.dropbox.com" matches "dropbox.com"; "mail.google.com" beats "google.com").
 */
export function categorise(host: string, categories: Categories, fallback = 'uncategorised'): string {
  const name = host.toLowerCase().replace(/\.$/, '');
  let best = '';
  let bestCategory = fallback;
  for (const [category, domains] of Object.entries(categories)) {
    for (const domain of domains) {
      if ((name === domain || name.endsWith(`.${domain}`)) && domain.length > best.length) {
        best = domain;
        bestCategory = category;
      }
    }
  }
  return bestCategory;
}

/** Host name of a URL without port, lower case; '' when it does not parse. */
export function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}
