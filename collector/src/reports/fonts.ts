import { existsSync } from 'node:fs';
import { CollectorError } from '../errors.ts';

/**
 * Japanese TrueType fonts Debian ships, best first: IPAex Gothic (fonts-ipaexfont-gothic), IPA Gothic
 * (fonts-ipafont-gothic). Both are TrueType outlines, which pdfkit embeds as a subset of the glyphs used.
 */
export const japaneseFontCandidates = [
  '/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf',
  '/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf',
  '/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf',
  '/usr/share/fonts/truetype/ipafont-gothic/ipag.ttf',
];

/** The configured font, else the first Debian Japanese font present; a clear error when there is none. */
export function findJapaneseFont(configured?: string): string {
  if (configured) {
    if (!existsSync(configured)) throw new CollectorError('COLLECTOR_REPORT_FONT', `configured font ${configured} does not exist`);
    return configured;
  }
  const found = japaneseFontCandidates.find((path) => existsSync(path));
  if (!found) throw new CollectorError('COLLECTOR_REPORT_FONT', 'install fonts-ipaexfont-gothic (apt-get install fonts-ipaexfont-gothic) or set reports.font in collector.yaml');
  return found;
}
