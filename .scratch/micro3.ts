import { encodeEvent, type Event } from '@mamori/proto';
import { SiemConfigSchema } from '../collector/src/siem/config.ts';
import { formatPage } from '../collector/src/siem/format-page.ts';
function draft(i: number): Event {
  const env = { seq: i, timeMs: 1e12 + i, agentId: 'ag_1', pc: 'PC-0001', user: `user${i % 3000}` };
  switch (i % 4) {
    case 0: return { ...env, printJob: { jobId: i, documentName: `見積書-${i}.pdf`, printer: 'FLOOR3-MFP', pages: 1 + (i % 40), copies: 1, state: 'completed', action: 'logged', spooler: 'cups' } };
    case 1: return { ...env, fileCopy: { destinationPath: `/media/usb/顧客名簿-${i}.xlsx`, destinationKind: 'removable', destinationRoot: '/media/usb', sizeBytes: 40_000 + i, sha256: 'ab'.repeat(32), operation: 'created',
      device: { vendorId: '0781', productId: '5581', serial: `SN${i % 50}`, vendor: 'SanDisk', product: 'Ultra', busPath: '1-2' } } };
    case 2: return { ...env, mail: { messageId: `<m${i}@city.example>`, from: `user${i % 3000}@city.example`, to: [`partner${i % 500}@example.com`], cc: [], bcc: [], subject: `資料送付 ${i}`, sizeBytes: 90_000, verdict: 'relayed',
      attachments: [{ fileName: `設計図面-${i}.pdf`, contentType: 'application/pdf', sizeBytes: 88_000, sha256: 'cd'.repeat(32), inline: false }] } };
    default: return { ...env, upload: { pageUrl: 'https://drive.example/', destinationHost: 'drive.example', destinationUrl: 'https://drive.example/upload', fileName: `売上-${i}.xlsx`, sizeBytes: 12_000, sha256: 'ef'.repeat(32), method: 'input', category: 'personal_cloud', browser: 'chromium' } };
  }
}
const N = 20000;
const stored = Array.from({ length: N }, (_, i) => ({ id: i + 1, agentId: 'ag_1', seq: i, pc: 'PC-0001', timeMs: 1e12 + i, receivedMs: 1e12, kind: ['print_job', 'file_copy', 'mail', 'upload'][i % 4]!, user: 'u', hash: Buffer.alloc(32, 7), bytes: encodeEvent(draft(i)) }));
const siem = SiemConfigSchema.parse({ sinks: [{ name: 'x', format: process.env.FMT ?? 'syslog', socket: { host: 'h', port: 1 } }] });
const all: number[] = [];
for (let r = 0; r < 10; r++) { const s = performance.now(); for (let k = 0; k < N; k += 2000) formatPage(stored.slice(k, k + 2000), siem.sinks[0]!, siem); all.push((performance.now() - s) / N * 1000); }
console.log('formatPage', Math.min(...all).toFixed(2), 'us/event');
