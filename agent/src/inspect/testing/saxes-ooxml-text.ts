/**
 * The text of an OOXML part as the engine first read it, with saxes (a general streaming XML parser): kept as the
 * oracle that the engine's own reader (common/ooxml-text.ts) is compared with in tests. Not used by the engine.
 */
import { SaxesParser } from 'saxes';

const lineEnds = new Set(['p', 'si', 'row', 'br', 'tr']);
const cellEnds = new Set(['c', 'tab', 'tc']);
const localName = (name: string) => name.slice(name.indexOf(':') + 1);

/** The text `emit` gets for an XML part fed in `pieces`. */
export function saxesOoxmlText(pieces: Iterable<string>): string {
  let out = '';
  const parser = new SaxesParser({ xmlns: false, position: false });
  let inText = false;
  let sharedRef = false;
  parser.on('opentag', (tag) => {
    const name = localName(tag.name);
    if (name === 't') inText = true;
    else if (name === 'v') inText = !sharedRef;
    else if (name === 'c') sharedRef = tag.attributes.t === 's';
  });
  parser.on('text', (text) => {
    if (inText) out += text;
  });
  parser.on('closetag', (tag) => {
    const name = localName(tag.name);
    if (name === 't' || name === 'v') inText = false;
    if (lineEnds.has(name)) out += '\n';
    else if (cellEnds.has(name)) out += '\t';
  });
  for (const piece of pieces) parser.write(piece);
  parser.close();
  return out;
}
