/**
 * The text of an Office Open XML part (docx/xlsx/pptx), streamed: the content of `t` elements (runs in Word and
 * PowerPoint, strings in Excel) and of `v` elements of cells that are not shared-string references (numbers in
 * Excel), with \n after paragraphs, rows, shared strings and line breaks and \t after cells and tabs.
 *
 * Why not a general XML parser (saxes did this first, and the tests compare the two): a spreadsheet part is mostly
 * markup — 11 MB of tags for 60,000 rows — and a parser that looks at every character in JavaScript took most of an
 * xlsx's inspection time. This reader jumps from tag to tag with indexOf, looks only at tag names (and at `t="s"` on
 * cells), and decodes entities only in the text it keeps. It does not validate: a part that is not well-formed is
 * read as far as it makes sense (for inspection, reading more is the safe side). Comments, processing
 * instructions, CDATA sections and DOCTYPEs are skipped (CDATA was not read before either).
 */
/** Elements whose end separates text: paragraphs, rows, shared strings, line breaks (\n); cells, tabs (\t). */
const lineEnds = new Set(['p', 'si', 'row', 'br', 'tr']);
const cellEnds = new Set(['c', 'tab', 'tc']);
const sharedStringCell = /\st\s*=\s*["']s["']/;
const entity = /&(?:#(\d+)|#x([0-9a-fA-F]+)|(amp|lt|gt|quot|apos));/g;
const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(entity, (whole, decimal?: string, hex?: string, name?: string) => {
    if (name) return named[name]!;
    const code = decimal !== undefined ? Number(decimal) : Number.parseInt(hex!, 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

export class OoxmlTextReader {
  readonly #emit: (text: string) => void;
  #rest = '';
  #inText = false;
  #sharedRef = false;
  /** The next '"' at or after the last position asked for in the current string; -1: none left; -2: not looked yet. */
  #quoteAt = -2;

  constructor(emit: (text: string) => void) {
    this.#emit = emit;
  }

  /** Feeds the next piece of the part's XML (already decoded to a string). */
  write(piece: string): void {
    const xml = this.#rest.length > 0 ? this.#rest + piece : piece;
    this.#rest = '';
    this.#quoteAt = -2;
    const length = xml.length;
    let at = 0;
    while (at < length) {
      const open = xml.indexOf('<', at);
      if (open === -1) {
        // Text to the end of the piece: kept for the next piece (an entity may be cut in two), unless it is long.
        if (!this.#inText) return;
        const amp = xml.lastIndexOf('&');
        const cut = length - at > 65_536 ? (amp >= at && amp > length - 16 ? amp : length) : at;
        if (cut > at) this.#emit(decodeEntities(xml.slice(at, cut)));
        this.#rest = xml.slice(cut);
        return;
      }
      if (open > at && this.#inText) this.#emit(decodeEntities(xml.slice(at, open)));
      const next = this.#skipOrTag(xml, open);
      if (next === -1) {
        this.#rest = xml.slice(open);
        return;
      }
      at = next;
    }
  }

  /** Ends the part. */
  close(): void {
    if (this.#rest.length > 0 && this.#inText && !this.#rest.startsWith('<')) this.#emit(decodeEntities(this.#rest));
    this.#rest = '';
  }

  /**
   * End of the tag opened at `start` ('<'), skipping a '>' inside a double-quoted attribute value (what Office and
   * the libraries that write OOXML use); -1 when the tag is not complete in `xml` yet. The next quote is
   * remembered, so a part without quotes (shared strings) is not searched to its end for each tag.
   */
  #tagEnd(xml: string, start: number): number {
    let at = xml.indexOf('>', start);
    let quote = this.#quote(xml, start);
    while (at !== -1 && quote !== -1 && quote < at) {
      const closing = xml.indexOf('"', quote + 1);
      if (closing === -1) return -1;
      if (closing > at) at = xml.indexOf('>', closing + 1);
      quote = this.#quote(xml, closing + 1);
    }
    return at;
  }

  #quote(xml: string, from: number): number {
    if (this.#quoteAt === -2 || (this.#quoteAt !== -1 && this.#quoteAt < from)) this.#quoteAt = xml.indexOf('"', from);
    return this.#quoteAt;
  }

  /** Handles the markup starting at `open`; returns where text resumes, or -1 when the markup is not complete yet. */
  #skipOrTag(xml: string, open: number): number {
    const second = xml.charCodeAt(open + 1);
    if (Number.isNaN(second)) return -1;
    if (second === 33 /* ! */) {
      if (xml.startsWith('<!--', open)) return endAfter(xml, '-->', open + 4);
      if (xml.startsWith('<![CDATA[', open)) return endAfter(xml, ']]>', open + 9);
      if (open + 9 > xml.length) return -1;
      const end = this.#tagEnd(xml, open);
      return end === -1 ? -1 : end + 1;
    }
    if (second === 63 /* ? */) return endAfter(xml, '?>', open + 2);
    const end = this.#tagEnd(xml, open);
    if (end === -1) return -1;
    const closing = second === 47; /* / */
    let nameEnd = open + (closing ? 2 : 1);
    for (; nameEnd < end; nameEnd += 1) {
      const c = xml.charCodeAt(nameEnd);
      if (c === 32 || c === 47 || c === 9 || c === 10 || c === 13) break;
    }
    const qualified = xml.slice(open + (closing ? 2 : 1), nameEnd);
    const name = qualified.slice(qualified.indexOf(':') + 1);
    if (!closing) {
      if (name === 't') this.#inText = true;
      else if (name === 'v') this.#inText = !this.#sharedRef;
      else if (name === 'c') this.#sharedRef = sharedStringCell.test(xml.slice(nameEnd, end));
    }
    if (closing || xml.charCodeAt(end - 1) === 47 /* self-closing */) {
      if (name === 't' || name === 'v') this.#inText = false;
      if (lineEnds.has(name)) this.#emit('\n');
      else if (cellEnds.has(name)) this.#emit('\t');
    }
    return end + 1;
  }
}

function endAfter(xml: string, terminator: string, from: number): number {
  const at = xml.indexOf(terminator, from);
  return at === -1 ? -1 : at + terminator.length;
}
