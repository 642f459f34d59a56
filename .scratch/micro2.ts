import protobuf from 'protobufjs';
import { descriptor } from '../proto/src/gen/descriptor.ts';
import { decodeEvent, encodeEvent, type Event } from '@mamori/proto';
import { SiemConfigSchema } from '../collector/src/siem/config.ts';
import { formatRecord } from '../collector/src/siem/format-record.ts';
import { formatPage } from '../collector/src/siem/format-page.ts';
import { summariseEvent } from '../collector/src/store/sqlite/indexers/log-entry.ts';
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
const bytes = Array.from({ length: N }, (_, i) => encodeEvent(draft(i)));
const stored = bytes.map((b, i) => ({ id: i + 1, agentId: 'ag_1', seq: i, pc: 'PC-0001', timeMs: 1e12 + i, receivedMs: 1e12, kind: ['print_job', 'file_copy', 'mail', 'upload'][i % 4]!, user: 'u', hash: Buffer.alloc(32, 7), bytes: b }));
const siem = SiemConfigSchema.parse({ sinks: [{ name: 'x', format: 'syslog', socket: { host: 'h', port: 1 } }] });
const type = protobuf.Root.fromJSON(descriptor).lookupType('mamori.v1.Event');
const res: Record<string, number[]> = {};
const t = (name: string, f: () => void) => { const s = performance.now(); f(); (res[name] ??= []).push(((performance.now() - s) / N) * 1000); };
let decoded: any[] = [];
for (let r = 0; r < 7; r++) {
  t('decode raw', () => { for (const b of bytes) type.decode(b); });
  t('decodeEvent', () => { decoded = bytes.map((b) => decodeEvent(b)); });
  t('summarise', () => { for (const d of decoded) summariseEvent(d); });
  t('formatRecord syslog', () => { for (let i = 0; i < N; i++) formatRecord(siem.sinks[0]!, siem, stored[i]!, decoded[i], 'info'); });
  t('hash hex', () => { for (let i = 0; i < N; i++) stored[i]!.hash.toString('hex'); });
  t('formatPage', () => { for (let k = 0; k < N; k += 2000) formatPage(stored.slice(k, k + 2000), siem.sinks[0]!, siem); });
}
for (const [k, v] of Object.entries(res)) console.log(k.padEnd(22), Math.min(...v).toFixed(2), 'us (min of 7)');
const msgs = bytes.map((b) => type.decode(b));
const res2: Record<string, number[]> = {};
const t2 = (name: string, f: () => void) => { const s = performance.now(); f(); (res2[name] ??= []).push(((performance.now() - s) / N) * 1000); };
for (let r = 0; r < 7; r++) {
  t2('toObject full', () => { for (const m of msgs) type.toObject(m, { longs: Number, enums: String, bytes: Buffer, defaults: true, oneofs: true }); });
  t2('toObject no defaults', () => { for (const m of msgs) type.toObject(m, { longs: Number, enums: String, bytes: Buffer, oneofs: true }); });
  t2('toObject defaults bytes Array', () => { for (const m of msgs) type.toObject(m, { longs: Number, enums: String, bytes: Array, defaults: true, oneofs: true }); });
  t2('toObject defaults bytes String', () => { for (const m of msgs) type.toObject(m, { longs: Number, enums: String, bytes: String, defaults: true, oneofs: true }); });
}
for (const [k, v] of Object.entries(res2)) console.log(k.padEnd(32), Math.min(...v).toFixed(2), 'us (min of 7)');
console.log(type.fieldsArray.map((f) => `${f.name}:${f.type}${f.repeated ? '[]' : ''}`).join(' '));
