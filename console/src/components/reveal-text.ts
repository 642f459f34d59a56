/**
 * Text that came from a PC (file names, paths, subjects, user and device names) is untrusted: a U+202E
 * RIGHT-TO-LEFT OVERRIDE makes "report\u202Egpj.exe" display as "reportexe.jpg", zero-width characters make two
 * names look the same. This module turns every such character into a visible token (⟨U+202E⟩) and tells when a
 * file name's visible extension is not its real one. Pure functions: the PcText component renders their result.
 */

/** Characters that are invisible or change the display order: controls, format characters (bidi, zero-width,
 * BOM, soft hyphen …), line/paragraph separators, Hangul fillers and the combining grapheme joiner. */
// Combining and variation-selector characters are exactly what this class must hold.
// eslint-disable-next-line no-misleading-character-class
const hidden = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u115f\u1160\u3164\uffa0\u034f\u180b-\u180d\ufe00-\ufe0f]/u;
// eslint-disable-next-line no-misleading-character-class
const hiddenAll = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u115f\u1160\u3164\uffa0\u034f\u180b-\u180d\ufe00-\ufe0f]/gu;

export interface TextPart {
  text: string;
  /** Set for a hidden character: its code point as U+XXXX. */
  code?: string;
}

export function codePointLabel(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Splits text into plain runs and hidden characters (each on its own); `keepLineBreaks` leaves \n and \t as they are. */
export function revealParts(text: string, keepLineBreaks = false): TextPart[] {
  if (!hidden.test(text)) return text ? [{ text }] : [];
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(hiddenAll)) {
    if (keepLineBreaks && (match[0] === '\n' || match[0] === '\t')) continue;
    if (match.index > last) parts.push({ text: text.slice(last, match.index) });
    parts.push({ text: `⟨${codePointLabel(match[0])}⟩`, code: codePointLabel(match[0]) });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

/** The text as one string with every hidden character shown as ⟨U+XXXX⟩ (for titles and tooltips). */
export function revealText(text: string): string {
  return revealParts(text).map((p) => p.text).join('');
}

const overrides = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;

/**
 * What a name looks like on screen, approximately: right-to-left overrides (U+202E, and RLE/RLI around
 * left-to-right letters, which browsers and Explorer render reversed the same way for Latin file names) reverse
 * the run up to the next pop or isolate end; every other hidden character shows as nothing.
 */
export function visibleName(name: string): string {
  if (!overrides.test(name) && !hidden.test(name)) return name;
  let out = '';
  let reversed = '';
  let inOverride = false;
  for (const char of name) {
    if (char === '\u202e') { if (inOverride) out += [...reversed].reverse().join(''); reversed = ''; inOverride = true; continue; }
    if (char === '\u202c' || char === '\u2069' || char === '\u202d' || char === '\u2066') {
      if (inOverride) out += [...reversed].reverse().join('');
      reversed = '';
      inOverride = false;
      continue;
    }
    if (hidden.test(char)) continue;
    if (inOverride) reversed += char;
    else out += char;
  }
  return out + [...reversed].reverse().join('');
}

function extensionOf(name: string): string {
  const base = name.split(/[\\/]/).at(-1) ?? name;
  const dot = base.lastIndexOf('.');
  return dot > 0 && dot < base.length - 1 ? base.slice(dot).toLowerCase() : '';
}

/** Programs and scripts Windows runs on a double click: hidden behind a document extension they are the classic lure. */
const runnable = new Set(['.exe', '.scr', '.com', '.bat', '.cmd', '.pif', '.js', '.jse', '.vbs', '.vbe', '.wsf', '.hta', '.lnk', '.ps1', '.msi', '.jar', '.cpl']);

/**
 * When the extension a person sees is not the file's real one: bidi tricks ("report\u202Egpj.exe" shows
 * ".jpg"), or a document extension before a program's ("invoice.pdf.exe", shown as "invoice.pdf" where known
 * extensions are hidden, or padded with spaces so the real one scrolls out of view).
 */
export function spoofedExtension(name: string): { visible: string; real: string } | undefined {
  const real = extensionOf(name);
  if (!real) return undefined;
  const visible = extensionOf(visibleName(name));
  if (visible && visible !== real) return { visible, real };
  if (runnable.has(real)) {
    const stem = name.slice(0, name.length - real.length).trimEnd();
    const inner = extensionOf(stem);
    if (inner && !runnable.has(inner)) return { visible: inner, real };
  }
  return undefined;
}
