import type { FieldCondition } from '@mamori/policies';

type Scalar = string | number | boolean;

function camel(segment: string): string {
  return segment.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/**
 * Every leaf value at a dotted path of an event payload. Lists are walked element by element, so
 * `attachments.inline` yields one value per attachment. Segments may be snake_case (as in YAML) or camelCase.
 */
export function fieldValues(payload: unknown, path: readonly string[]): Scalar[] {
  let current: unknown[] = [payload];
  for (const segment of path) {
    const next: unknown[] = [];
    for (const item of current) {
      if (item === null || typeof item !== 'object') continue;
      const record = item as Record<string, unknown>;
      const value = segment in record ? record[segment] : record[camel(segment)];
      if (Array.isArray(value)) next.push(...value);
      else if (value !== undefined && value !== null) next.push(value);
    }
    current = next;
  }
  return current.filter((v): v is Scalar => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean');
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
