import { describe, expect, it } from 'vitest';
import { jobFromIpp, printerFromUri } from './ipp-job.ts';

describe('jobFromIpp', () => {
  it('maps a completed CUPS job (pages are impressions, size from k-octets)', () => {
    expect(jobFromIpp({
      'job-id': 4, 'job-uuid': 'urn:uuid:f54399b7', 'job-name': 'three', 'job-originating-user-name': 'root',
      'job-printer-uri': 'ipp://localhost:631/printers/PDF', 'job-state': 'completed', copies: 3,
      'job-impressions-completed': 9, 'job-media-sheets-completed': 9, 'job-k-octets': 2,
      'time-at-creation': 1795345266, 'time-at-completed': 1795345267,
    })).toEqual({
      key: 'urn:uuid:f54399b7', jobId: 4, documentName: 'three', printer: 'PDF', user: 'root', pages: 9, copies: 3,
      sheets: 9, sizeBytes: 2048, submittedMs: 1795345266000, completedMs: 1795345267000, state: 'completed', pagesKnown: true,
    });
  });

  it('treats pending and held jobs as not yet counted, and tolerates missing or odd values', () => {
    expect(jobFromIpp({ 'job-id': 5, 'job-state': 'pending-held', 'job-impressions-completed': 0 })).toMatchObject({ state: 'held', pagesKnown: false, copies: 1, key: 'cups::5:0' });
    expect(jobFromIpp({ 'job-id': 6, 'job-state': 'canceled', 'job-k-octets': -5, 'job-name': ['a', 'b'] })).toMatchObject({ state: 'cancelled', sizeBytes: 0, documentName: 'a, b' });
    expect(jobFromIpp({ 'job-state': 'completed' })).toBeUndefined();
    expect(printerFromUri('ipp://localhost/printers/Caf%C3%A9%20%E7%B5%8C%E7%90%86')).toBe('Café 経理');
    expect(printerFromUri('ipp://localhost/printers/bad%E0%A4%A')).toBe('bad%E0%A4%A');
  });
});
