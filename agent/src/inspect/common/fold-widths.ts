/**
 * Full-width ASCII (ＡＢ１２－) and half-width katakana (ｶﾀｶﾅ) folded to their usual forms (NFKC), so "１２３４\u3000５６７８"
 * is seen as the digits it shows and a registered document matches whichever widths it was typed in.
 *
 * Only the windows that hold such characters are normalised — a run of them with the ideographic spaces inside and
 * around it, and the character before it (a kana that a half-width sound mark ﾞ/ﾟ joins) — never a whole file: NFKC
 * of a megabyte of Japanese costs more than reading it, and most text has no such characters at all.
 */
const wideOrNarrow = /[\uff01-\uff5e\uff61-\uff9f]/;
const foldWindow = /[^\ud800-\udfff\u3000\uff01-\uff5e\uff61-\uff9f]?\u3000*[\uff01-\uff5e\uff61-\uff9f][\u3000\uff01-\uff5e\uff61-\uff9f]*/g;

const normalize = (window: string) => window.normalize('NFKC');

export function foldWidths(text: string): string {
  return wideOrNarrow.test(text) ? text.replace(foldWindow, normalize) : text;
}
