import { describe, expect, it } from 'vitest';
import { createPrintLogReader, printLogQuery } from './print-log-query.ts';

/** Live (Windows only; .github/workflows/windows.yml): the catch-up read runs in Windows PowerShell for real. */
describe.skipIf(process.platform !== 'win32')('PrintService catch-up read against the real OS (live; Windows only)', () => {
  it('Get-WinEvent answers with an <Events> document, empty when nothing was printed', async () => {
    const xml = await createPrintLogReader()(printLogQuery(0));
    expect(xml).toMatch(/^<Events>[\s\S]*<\/Events>$/);
  }, 60_000);
});
