import { cleanText } from '../alerts/describe-event.ts';
import type { Alert } from '../store/repositories/alerts.ts';
import type { Language } from './language.ts';
import { parseMessage, translate } from './translate.ts';

/** An alert's title in a language: its stored message rendered, or the stored English title for older alerts. */
export function alertTitle(alert: Pick<Alert, 'title' | 'titleMessage'>, language: Language): string {
  const message = parseMessage(alert.titleMessage);
  return message ? cleanText(translate(language, message), 200) : alert.title;
}

/** An alert as one reader sees it: title in their language, the stored message left out of the answer. */
export function localiseAlert<T extends Pick<Alert, 'title' | 'titleMessage'>>(alert: T, language: Language): Omit<T, 'titleMessage'> {
  const { titleMessage: _stored, ...rest } = alert;
  return { ...rest, title: alertTitle(alert, language) };
}
