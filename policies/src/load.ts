import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { ZodError } from 'zod';
import { PolicyFileSchema, PolicySetSchema, type PolicySet } from './schema/index.ts';

export interface PolicyProblem {
  file: string;
  line: number;
  column: number;
  /** Dotted path of the offending field, e.g. "device.default.mode". */
  field: string;
  message: string;
}

export class PolicyValidationError extends Error {
  readonly problems: PolicyProblem[];
  constructor(problems: PolicyProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'PolicyValidationError';
    this.problems = problems;
  }
}

export function formatProblem(problem: PolicyProblem): string {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.field || '(top level)'}: ${problem.message}`;
}

export interface PolicySource {
  /** File name as shown in errors, e.g. "device.yaml". */
  name: string;
  text: string;
}

/** Reads every *.yaml / *.yml file of a policy folder, in name order. */
export function readPolicyDir(dir: string): PolicySource[] {
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
}

/**
 * Validates and merges policy files. Each top-level section may appear in only one file. Throws
 * PolicyValidationError listing every problem with its file, line, column and field.
 */
export function parsePolicySources(sources: PolicySource[]): PolicySet {
  const problems: PolicyProblem[] = [];
  const merged: Record<string, unknown> = {};
  const owner = new Map<string, string>();
  for (const source of sources) {
    const lineCounter = new LineCounter();
    const doc = parseDocument(source.text, { lineCounter, uniqueKeys: true, prettyErrors: false });
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        const pos = lineCounter.linePos(error.pos[0]);
        problems.push({ file: source.name, line: pos.line, column: pos.col, field: '', message: error.message.split('\n')[0] ?? 'YAML syntax error' });
      }
      continue;
    }
    const value: unknown = doc.toJS() ?? {};
    const result = PolicyFileSchema.safeParse(value);
    if (!result.success) {
      problems.push(...zodProblems(result.error, source.name, (path) => {
        // Walk up the path until a node with a position is found (a missing key points at its parent).
        for (let depth = path.length; depth >= 0; depth -= 1) {
          const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
          if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]);
        }
        return { line: 1, col: 1 };
      }));
      continue;
    }
    for (const [section, content] of Object.entries(value as Record<string, unknown>)) {
      const previous = owner.get(section);
      if (previous) {
        const node = doc.get(section, true);
        const pos = isNode(node) && node.range ? lineCounter.linePos(node.range[0]) : { line: 1, col: 1 };
        problems.push({ file: source.name, line: pos.line, column: pos.col, field: section, message: `section already defined in ${previous}` });
        continue;
      }
      owner.set(section, source.name);
      merged[section] = content;
    }
  }
  if (problems.length > 0) throw new PolicyValidationError(problems);
  const result = PolicySetSchema.safeParse(merged);
  if (!result.success) {
    throw new PolicyValidationError(zodProblems(result.error, '(merged policy)', () => ({ line: 1, col: 1 })));
  }
  return result.data;
}

function zodProblems(
  error: ZodError, file: string, position: (path: (string | number)[]) => { line: number; col: number },
): PolicyProblem[] {
  return error.issues.map((issue) => {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const pos = position(path);
    return { file, line: pos.line, column: pos.col, field: path.join('.'), message: issue.message };
  });
}

export function loadPolicyDir(dir: string): PolicySet {
  return parsePolicySources(readPolicyDir(dir));
}
