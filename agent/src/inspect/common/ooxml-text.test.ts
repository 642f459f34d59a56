import { BlobReader, TextWriter, ZipReader } from '@zip.js/zip.js';
import { describe, expect, it } from 'vitest';
import { people, peopleXlsx, textDocx } from '../testing/corpus-writers.ts';
import { saxesOoxmlText } from '../testing/saxes-ooxml-text.ts';
import { OoxmlTextReader } from './ooxml-text.ts';

function read(pieces: string[]): string {
  let out = '';
  const reader = new OoxmlTextReader((text) => { out += text; });
  for (const piece of pieces) reader.write(piece);
  reader.close();
  return out;
}

const cutInto = (xml: string, size: number) => Array.from({ length: Math.ceil(xml.length / size) }, (_, i) => xml.slice(i * size, (i + 1) * size));

async function xmlParts(file: Buffer, pattern: RegExp): Promise<string[]> {
  const zip = new ZipReader(new BlobReader(new Blob([new Uint8Array(file)])));
  const parts: string[] = [];
  for (const entry of await zip.getEntries()) {
    if (!entry.directory && pattern.test(entry.filename)) parts.push(await entry.getData!(new TextWriter()));
  }
  await zip.close();
  return parts;
}

describe('the OOXML text reader reads what a general XML parser (saxes) reads', () => {
  it('in the parts of an xlsx and a docx made by real writers, whole and in pieces of any size', async () => {
    const xlsx = await xmlParts(await peopleXlsx(people(300)), /^xl\/(sharedStrings\.xml|worksheets\/sheet\d+\.xml)$/);
    const docx = await xmlParts(await textDocx(['社外秘 & <注意>', 'カード: 4111 1111 1111 1111', '"quoted" \'text\'']), /^word\/document\.xml$/);
    expect(xlsx).toHaveLength(2);
    for (const xml of [...xlsx, ...docx]) {
      const expected = saxesOoxmlText([xml]);
      expect(expected.length).toBeGreaterThan(20);
      expect(read([xml])).toBe(expected);
      for (const size of [1, 7, 100, 4096]) expect(read(cutInto(xml, size)), `pieces of ${size}`).toBe(expected);
    }
  });

  it('with entities, CDATA, comments, processing instructions, self-closing tags and ">" in attribute values, cut anywhere', () => {
    const xml = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<w:document xmlns:w="urn:w"><!-- a <t>comment</t> --><w:body>',
      '<w:p><w:r><w:t xml:space="preserve">A &amp; B &lt;tag&gt; &quot;q&quot; &apos;a&apos; &#x1F600; &#26085;</w:t></w:r><w:r><w:tab/><w:t>x</w:t></w:r><w:br/></w:p>',
      '<w:p w:rsidR="a>b"><w:t>after a quoted &gt;</w:t><?pi ignored?><w:t/></w:p>',
      '<sheetData><row r="1"><c r="A1" t="s"><v>12</v></c><c r="B1"><v>314159265358</v></c><c r="C1" t="inlineStr"><is><t>inline</t></is></c><c r="D1"/></row></sheetData>',
      '<w:t><![CDATA[cdata is not read]]>tail</w:t>',
      '</w:body></w:document>',
    ].join('');
    const expected = saxesOoxmlText([xml]);
    expect(expected).toBe('A & B <tag> "q" \'a\' 😀 日\tx\n\nafter a quoted >\n\t314159265358\tinline\t\t\ntail');
    expect(read([xml])).toBe(expected);
    for (let cut = 0; cut <= xml.length; cut += 1) expect(read([xml.slice(0, cut), xml.slice(cut)]), `cut at ${cut}`).toBe(expected);
  });
});
