/** Case-insensitive matcher for names with `*` wildcards (PC names, users, device serials). */
export function wildcardMatcher(patterns: readonly string[]): (value: string) => boolean {
  const exact = new Set<string>();
  const regexes: RegExp[] = [];
  for (const pattern of patterns) {
    if (pattern.includes('*')) {
      regexes.push(new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'iu'));
    } else {
      exact.add(pattern.toLowerCase());
    }
  }
  return (value) => exact.has(value.toLowerCase()) || regexes.some((r) => r.test(value));
}
