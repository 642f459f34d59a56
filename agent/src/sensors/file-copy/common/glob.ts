/**
 * Compiles the policy's ignore patterns (paths relative to an exit root, "*" within one segment, "**" across
 * segments) into one predicate. Patterns are admin input: anything but * and ** is literal.
 */
export function compileIgnore(patterns: readonly string[]): (relativePath: string) => boolean {
  if (patterns.length === 0) return () => false;
  const sources = patterns.map((pattern) => pattern.split('/').map((segment) => (segment === '**'
    ? '(?:.*)'
    : segment.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*'))).join('/')
    .replace(/\/\(\?:\.\*\)$/, '(?:/.*)?').replace(/^\(\?:\.\*\)\//, '(?:.*/)?'));
  const regex = new RegExp(`^(?:${sources.join('|')})$`);
  return (relativePath) => regex.test(relativePath.replace(/\\/g, '/'));
}

/** Expands a leading "~" to the user's home; other paths are returned as they are. */
export function expandHome(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/') || path.startsWith('~\\')) return `${home}${path.slice(1)}`;
  return path;
}
