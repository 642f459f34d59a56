import { readFile } from 'node:fs/promises';
import type { ContentNode, InspectContext } from '../inspect-context.ts';

/** Reads a PDF's text page by page into the scanner; a password-protected PDF becomes a gap, not an error. */
export async function readPdf(context: InspectContext, node: ContentNode): Promise<void> {
  const bytes = node.bytes ?? await readFile(node.file!);
  const { openPdf, PdfEncrypted } = await import('./pdf-text.ts');
  let pdf;
  try {
    pdf = await openPdf(bytes);
  } catch (error) {
    if (error instanceof PdfEncrypted) {
      context.gap(node.path, error.message);
      return;
    }
    throw error;
  }
  try {
    for (let index = 0; index < pdf.pageCount; index += 1) {
      context.checkTime();
      context.scanner.push(await pdf.pageText(index));
      context.scanner.push('\n');
    }
  } finally {
    await pdf.close();
  }
}
