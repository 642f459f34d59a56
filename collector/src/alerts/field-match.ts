import type { FieldCondition } from '@mamori/policies';

type Scalar = string | number | boolean;

function camel(segment: string): string {
  return segment.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** A field path compiled once: each segment as written and in camelCase (payload keys are camelCase). */
export type FieldPath = readonly { name: string; camel: string }[];

export function compilePath(path: string | readonly string[]): FieldPath {
  return (typeof path === 'string' ? path.split('.') : path).map((name) => ({ name, camel: camel(name) }));
}

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/**
 * Every leaf value at a dotted path of an event payload. Lists are walked element by element, so
 * `attachments.inline` yields one value per attachment. Segments may be snake_case (as in YAML) or camelCase.
 */
export function fieldValues(payload: unknown, path: FieldPath | readonly string[]): Scalar[] {
  const compiled: FieldPath = typeof path[0] === 'string' ? compilePath(path as readonly string[]) : path as FieldPath;
  const out: Scalar[] = [];
  collect(payload, compiled, 0, out);
  return out;
}

function collect(value: unknown, path: FieldPath, depth: number, out: Scalar[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collect(item, path, depth, out);
    return;
  }
  if (depth === path.length) {
    if (isScalar(value)) out.push(value);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  const segment = path[depth]!;
  const next = record[segment.camel] ?? record[segment.name];
  if (next !== undefined && next !== null) collect(next, path, depth + 1, out);
}

function same(a: Scalar, b: Scalar): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  return String(a).toLowerCase() === String(b).toLowerCase();
}

function isEmpty(value: Scalar): boolean {
  return value === '' || value === 0 || value === false;
}

/** Compiles one field condition into a test over the field's values (true if any value satisfies it). */
export function compileCondition(condition: FieldCondition): (values: Scalar[]) => boolean {
  if (typeof condition !== 'object') return (values) => values.some((v) => same(v, condition));
  const regex = condition.matches !== undefined ? new RegExp(condition.matches, 'iu') : undefined;
  const tests: ((v: Scalar) => boolean)[] = [];
  if (condition.equals !== undefined) tests.push((v) => same(v, condition.equals!));
  if (condition.in) tests.push((v) => condition.in!.some((c) => same(v, c)));
  if (condition.not_in) tests.push((v) => !condition.not_in!.some((c) => same(v, c)));
  if (condition.gt !== undefined) tests.push((v) => typeof v === 'number' && v > condition.gt!);
  if (condition.gte !== undefined) tests.push((v) => typeof v === 'number' && v >= condition.gte!);
  if (condition.lt !== undefined) tests.push((v) => typeof v === 'number' && v < condition.lt!);
  if (condition.lte !== undefined) tests.push((v) => typeof v === 'number' && v <= condition.lte!);
  if (regex) tests.push((v) => regex.test(String(v)));
  const present = condition.present;
  return (values) => {
    if (present !== undefined && values.some((v) => !isEmpty(v)) !== present) return false;
    if (tests.length === 0) return true;
    return values.some((v) => tests.every((test) => test(v)));
  };
}
