import { useI18n } from '../i18n/i18n.tsx';
import { revealParts, revealText, spoofedExtension, visibleName } from './reveal-text.ts';

/**
 * Every string that came from a PC is rendered through this component: hidden and direction-changing characters
 * appear as ⟨U+XXXX⟩ tokens (so "report\u202Egpj.exe" reads "report⟨U+202E⟩gpj.exe"), the text is isolated
 * from its surroundings (<bdi>), and with `name` a file name or path whose visible extension is not its real
 * one is marked; with `multiline` line breaks and tabs stay as they are (JSON shown in a <pre>).
 */
export function PcText({ value, name = false, multiline = false }: { value: string | number | null | undefined; name?: boolean; multiline?: boolean }) {
  const { t } = useI18n();
  const text = value === null || value === undefined ? '' : String(value);
  const spoof = name ? spoofedExtension(text) : undefined;
  return (
    <bdi className="pc-text" dir="ltr">
      {revealParts(text, multiline).map((part, index) => (part.code
        ? <span key={index} className="pc-control" title={t('pcText.control', { code: part.code })}>{part.text}</span>
        : <span key={index}>{part.text}</span>))}
      {spoof ? (
        <span className="pc-spoof" role="note" title={t('pcText.spoofTitle', { visible: revealText(visibleName(text)).split(/[\\/]/).at(-1) ?? '', real: spoof.real })}>
          {' ⚠ '}{t('pcText.spoof', { real: spoof.real })}
        </span>
      ) : null}
    </bdi>
  );
}
