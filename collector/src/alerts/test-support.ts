import { parsePolicySources, type PolicySet } from '@mamori/policies';
import type { EngineEvent } from './types.ts';

/** A policy set from YAML snippets (only the sections given; the rest default). */
export function policyFrom(...texts: string[]): PolicySet {
  return parsePolicySources(texts.map((text, i) => ({ name: `test-${i}.yaml`, text })));
}

let nextId = 1;

/** An engine event at a given ISO time (with zone), e.g. "2026-03-04T10:00:00+09:00". */
export function engineEvent(kind: string, payload: Record<string, unknown>, at: string | number, who: { pc?: string; user?: string } = {}): EngineEvent {
  return {
    id: nextId++, agentId: 'agent-1', pc: who.pc ?? 'PC-ACCT-07', user: who.user ?? 'tanaka',
    timeMs: typeof at === 'number' ? at : Date.parse(at), kind, payload,
  };
}

export const usbCopy = (n: number) => ({ destinationPath: `/media/STICK/file-${n}.xlsx`, destinationKind: 'removable', destinationRoot: '/media/STICK', sizeBytes: 1000 });
