/** The domain of an address, lower-cased; empty when there is none (then the recipient counts as external). */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return '';
  return address.slice(at + 1).replace(/[>\s]+$/, '').toLowerCase();
}

/** True when `domain` is one of `domains` or a subdomain of one. */
export function inDomains(domain: string, domains: readonly string[]): boolean {
  return domain !== '' && domains.some((d) => domain === d || domain.endsWith(`.${d}`));
}
