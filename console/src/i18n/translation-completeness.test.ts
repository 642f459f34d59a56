/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import { en } from './messages-en.ts';
import { ja } from './messages-ja.ts';

// Fails when a user-visible string lacks a Japanese translation: a key only in one language, a Japanese text still
// in English, placeholders that differ, or a t('…') key in the console's code that no catalogue defines.

/** Keys whose text is the same in both languages on purpose (names, codes). */
const sameInBoth = new Set(['app.title', 'common.pc', 'pcs.os', 'alerts.folded',
  'field.sha256', 'field.cc', 'field.bcc', 'field.osPlatform', 'field.cpu', 'field.smtp.secure', 'field.pc', 'field.id']);
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const hasJapanese = (text: string) => /[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]/.test(text);

// The console's own sources as text (Vite's glob import: the console's lint keeps node:* out, tests included).
const sources = import.meta.glob<string>(['../**/*.ts', '../**/*.tsx', '!../**/*.test.ts', '!../**/*.test.tsx'], { query: '?raw', import: 'default', eager: true });

describe('translation completeness', () => {
  it('has the same keys in English and Japanese', () => {
    expect(Object.keys(ja).sort()).toEqual(Object.keys(en).sort());
  });

  it('translates every string into Japanese (not left in English), with the same placeholders', () => {
    const untranslated = Object.entries(ja).filter(([key, text]) => !sameInBoth.has(key) && !hasJapanese(text) && text === en[key as keyof typeof en]);
    expect(untranslated.map(([key]) => key)).toEqual([]);
    const mismatched = Object.keys(en).filter((key) => placeholders(en[key as keyof typeof en]).join() !== placeholders(ja[key as keyof typeof ja]).join());
    expect(mismatched).toEqual([]);
  });

  it('defines every literal t() key the console uses', () => {
    const used = new Set<string>();
    for (const text of Object.values(sources)) {
      for (const match of text.matchAll(/\bt\(\s*'([a-zA-Z][\w-]*\.[\w.-]+)'/g)) used.add(match[1]!);
    }
    expect(used.size).toBeGreaterThan(100);
    expect([...used].filter((key) => !(key in en)).sort()).toEqual([]);
  });

  it('labels every action an agent records (device, mail, print, upload, policy decisions) and every inventory field', () => {
    // From proto/mamori/v1/events.proto (DeviceEvent.Action, MailEvent.verdict, PrintJobEvent.state/action,
    // PolicyDecisionEvent.decision) and the agent's upload categories (policies/default/categories.yaml).
    const actions = ['attached', 'detached', 'mounted', 'unmounted', 'blocked', 'allowed', 'read_only', 'created', 'modified', 'copied',
      'relayed', 'warned', 'failed', 'completed', 'cancelled', 'aborted', 'held', 'logged', 'alerted',
      'block', 'audit', 'alert', 'cancel', 'hold', 'allow', 'warn', 'exception_applied', 'exception_expired', 'exception_revoked', 'enforcement_failed', 'unlock_refused',
      'upload', 'personal_cloud', 'webmail', 'file_transfer', 'social_media', 'generative_ai', 'code_hosting', 'organisation'];
    expect(actions.filter((a) => !(`action.${a}` in en))).toEqual([]);
    const inventory = ['hostname', 'osPlatform', 'osDistro', 'osRelease', 'osArch', 'manufacturer', 'model', 'serial', 'hardwareUuid', 'cpu', 'memory', 'software'];
    expect(inventory.filter((f) => !(`field.${f}` in en))).toEqual([]);
  });
});
