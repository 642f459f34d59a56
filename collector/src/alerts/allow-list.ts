import { wildcardMatcher } from './wildcard.ts';

/** The domain of an e-mail address ("Name <a@b.example>"), a URL, or a bare host name; lower case. */
export function domainOf(value: string): string {
  let text = value.trim().toLowerCase();
  const angle = /<([^>]*)>/.exec(text);
  if (angle) text = angle[1]!;
  const at = text.lastIndexOf('@');
  if (at >= 0) text = text.slice(at + 1);
  text = text.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  return text.split(/[/:?#\s>]/)[0]!.replace(/\.$/, '');
}

/** A named allow-list compiled for lookups. Domains match themselves and any subdomain. */
export function compileAllowList(type: 'domains' | 'values', entries: readonly string[]): (value: string) => boolean {
  if (type === 'values') return wildcardMatcher(entries);
  const domains = new Set(entries.map((e) => e.toLowerCase().replace(/^@/, '')));
  return (value) => {
    let domain = domainOf(value);
    while (domain) {
      if (domains.has(domain)) return true;
      const dot = domain.indexOf('.');
      if (dot < 0) return false;
      domain = domain.slice(dot + 1);
    }
    return false;
  };
}
