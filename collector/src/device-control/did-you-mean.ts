/** The known names closest to a mistyped one (case-insensitive edit distance), best first; none when nothing is close. */
export function closestNames(name: string, known: readonly string[], max = 3): string[] {
  const wanted = name.toLowerCase();
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  return known
    .map((candidate) => ({ candidate, distance: editDistance(wanted, candidate.toLowerCase()) }))
    .filter((c) => c.distance <= limit || c.candidate.toLowerCase().includes(wanted))
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, max)
    .map((c) => c.candidate);
}

/** "no PC named X" with up to three suggestions. */
export function unknownPcMessage(name: string, known: readonly string[]): string {
  const close = closestNames(name, known);
  return close.length > 0 ? `no PC named ${name}; did you mean ${close.join(', ')}?` : `no PC named ${name}`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
