/**
 * PDF text with Mozilla's pdf.js (pdfjs-dist, legacy build for Node), page by page. Only its parser runs: no
 * canvas, no fonts loaded, no eval. pdf.js's display layer refers to DOMMatrix/ImageData/Path2D when it loads;
 * text extraction never uses them, so empty stand-ins are enough. The worker module is loaded in-process (pdf.js's
 * "fake worker", found through globalThis.pdfjsWorker) so a bundle holds everything. Loaded only when a PDF is
 * met; in the single executable it is a file of its own beside it (lib/inspect-pdf.cjs).
 */

export interface PdfPages {
  pageCount: number;
  /** Text of page `index` (0-based), lines joined with \n. */
  pageText(index: number): Promise<string>;
  close(): Promise<void>;
}

/** The reason a PDF cannot be read for its text: it is password-protected. */
export class PdfEncrypted extends Error {}

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let loaded: Promise<PdfJs> | undefined;

function loadPdfJs(): Promise<PdfJs> {
  loaded ??= (async () => {
    const g = globalThis as Record<string, unknown>;
    g.DOMMatrix ??= class DOMMatrix { a = 1; b = 0; c = 0; d = 1; e = 0; f = 0; };
    g.ImageData ??= class ImageData {};
    g.Path2D ??= class Path2D {};
    g.pdfjsWorker ??= await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    pdfjs.GlobalWorkerOptions.workerSrc = '';
    return pdfjs;
  })();
  return loaded;
}

export async function openPdf(bytes: Uint8Array): Promise<PdfPages> {
  const pdfjs = await loadPdfJs();
  // pdf.js takes ownership of (and detaches) the buffer it is given: hand it a copy.
  const task = pdfjs.getDocument({
    data: new Uint8Array(bytes), verbosity: 0, isEvalSupported: false, disableFontFace: true, useSystemFonts: false,
    stopAtErrors: false,
  });
  let document;
  try {
    document = await task.promise;
  } catch (error) {
    if ((error as Error).name === 'PasswordException') throw new PdfEncrypted('encrypted (password-protected PDF)');
    throw error;
  }
  return {
    pageCount: document.numPages,
    async pageText(index) {
      const page = await document.getPage(index + 1);
      const content = await page.getTextContent();
      let text = '';
      for (const item of content.items) {
        if ('str' in item) text += item.str + (item.hasEOL ? '\n' : ' ');
      }
      page.cleanup();
      return text;
    },
    close: () => task.destroy(),
  };
}
