// @vitest-environment jsdom
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { I18nProvider, type Locale } from '../i18n/i18n.tsx';
import { KindBadge, kindColor } from './badges.tsx';

afterEach(cleanup);

/** Integrity finding kinds the collector records for issue 13, with the label each language must show. */
const findings: [kind: string, en: string, ja: string][] = [
  ['journal_reset', 'Journal reset', 'ジャーナルのリセット'],
  ['seal_invalid', 'Invalid seal', '封印の不正'],
  ['seal_reset', 'Seal key reset', '封印鍵のリセット'],
  ['clock_behind', 'Clock behind', '時計の遅れ'],
  ['clock_ahead', 'Clock ahead', '時計の進み'],
  ['hostname_takeover', 'Hostname takeover', 'ホスト名の乗っ取り'],
  ['stream_auth_failed', 'Failed agent authentication', 'エージェント認証の失敗'],
  ['stream_unknown_agent', 'Unknown agent', '不明なエージェント'],
];

function label(kind: string, locale: Locale): HTMLElement {
  const { container } = render(<I18nProvider locale={locale}><KindBadge kind={kind} /></I18nProvider>);
  return container.querySelector('.kind') as HTMLElement;
}

describe('KindBadge for integrity findings', () => {
  it.each(findings)('labels %s in English and Japanese, in the integrity colour', (kind, en, ja) => {
    expect(label(kind, 'en').textContent).toBe(en);
    cleanup();
    expect(label(kind, 'ja').textContent).toBe(ja);
    expect(kindColor(kind)).toBe('#b71c1c');
  });

  it('shows a kind it has no label for by its name', () => {
    expect(label('some_future_kind', 'en').textContent).toBe('some_future_kind');
  });
});
