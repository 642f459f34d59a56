export type DiffLine = { op: 'same' | 'add' | 'remove'; text: string; oldLine?: number; newLine?: number };

/** Line diff by longest common subsequence (policy files are small: a few hundred lines). */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) { out.push({ op: 'same', text: a[i]!, oldLine: i + 1, newLine: j + 1 }); i += 1; j += 1; }
    else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) { out.push({ op: 'remove', text: a[i]!, oldLine: i + 1 }); i += 1; }
    else { out.push({ op: 'add', text: b[j]!, newLine: j + 1 }); j += 1; }
  }
  while (i < n) { out.push({ op: 'remove', text: a[i]!, oldLine: i + 1 }); i += 1; }
  while (j < m) { out.push({ op: 'add', text: b[j]!, newLine: j + 1 }); j += 1; }
  return out;
}

/** Per file: the changed lines of `from` → `to` (files added or removed count as all lines changed). */
export function sourcesDiff(from: { name: string; text: string }[], to: { name: string; text: string }[]): { name: string; lines: DiffLine[] }[] {
  const names = [...new Set([...from.map((s) => s.name), ...to.map((s) => s.name)])].sort();
  return names
    .map((name) => ({ name, lines: lineDiff(from.find((s) => s.name === name)?.text ?? '', to.find((s) => s.name === name)?.text ?? '') }))
    .filter((file) => file.lines.some((l) => l.op !== 'same'));
}
