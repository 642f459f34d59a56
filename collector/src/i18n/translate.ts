import type { Language } from './language.ts';
import { collectorEn, collectorJa, defaultRuleNamesJa, type CollectorMessageKey, type Message, type MessageParam } from './messages.ts';

const catalogs: Record<Language, Record<CollectorMessageKey, string>> = { en: collectorEn, ja: collectorJa };

function isMessage(value: MessageParam): value is Message {
  return typeof value === 'object' && value !== null && typeof (value as Message).key === 'string';
}

/** A message in a language, its parameters filled (nested messages in the same language); unknown keys stay visible. */
export function translate(language: Language, message: Message): string {
  // A rule's name is the policy's text: only the default policy's names have translations.
  if (message.key === 'rule') return ruleName(language, String(message.params?.name ?? ''));
  const text = catalogs[language][message.key] ?? collectorEn[message.key] ?? message.key;
  const params = message.params ?? {};
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return isMessage(value) ? translate(language, value) : String(value);
  });
}

/** A rule's name in a language: the default policy's names are translated, an admin's own names kept. */
export function ruleName(language: Language, name: string): string {
  return language === 'ja' ? (defaultRuleNamesJa[name] ?? name) : name;
}

/** Reads a stored message (JSON text); undefined when absent or not one (rows stored before titles were data). */
export function parseMessage(json: string | null | undefined): Message | undefined {
  if (!json) return undefined;
  try {
    const value = JSON.parse(json) as unknown;
    return value && typeof value === 'object' && typeof (value as Message).key === 'string' && (value as Message).key in collectorEn ? value as Message : undefined;
  } catch {
    return undefined;
  }
}
