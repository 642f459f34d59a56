import { decodeEvent, encodeEvent, type Event } from '@mamori/proto';
import { SiemConfigSchema } from '../collector/src/siem/config.ts';
import { formatRecord } from '../collector/src/siem/format-record.ts';
import { eventSeverity } from '../collector/src/siem/severity.ts';
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
const N = 40000;
const bytes = Array.from({ length: N }, (_, i) => encodeEvent(draft(i)));
const stored = bytes.map((b, i) => ({ id: i + 1, agentId: 'ag_1', seq: i, pc: 'PC-0001', timeMs: 1e12 + i, receivedMs: 1e12, kind: ['print_job', 'file_copy', 'mail', 'upload'][i % 4]!, user: 'u', hash: Buffer.alloc(32, 7), bytes: b }));
const siem = SiemConfigSchema.parse({ sinks: [{ name: 'x', format: 'syslog', socket: { host: 'h', port: 1 } }] });
const t = (name: string, f: () => void) => { for (let r = 0; r < 3; r++) { const s = performance.now(); f(); const e = performance.now() - s; if (r === 2) console.log(name, ((e / N) * 1000).toFixed(2), 'us/event'); } };
let decoded: any[] = [];
t('decode', () => { decoded = bytes.map((b) => decodeEvent(b)); });
t('syslog format', () => { for (let i = 0; i < N; i++) formatRecord(siem.sinks[0]!, siem, stored[i]!, decoded[i], eventSeverity(stored[i]!.kind, decoded[i], siem)); });
t('ecs format', () => { for (let i = 0; i < N; i++) formatRecord({ format: 'ecs_json', facility: 'local0' }, siem, stored[i]!, decoded[i], 'info'); });
t('buffer.from join', () => { const parts = []; for (let i = 0; i < 1000; i++) parts.push(formatRecord(siem.sinks[0]!, siem, stored[i]!, decoded[i], 'info')); for (let k = 0; k < N / 1000; k++) Buffer.from(parts.join(''), 'utf8'); });
import protobuf from 'protobufjs';
import { descriptor } from '../proto/src/gen/descriptor.ts';
const type = protobuf.Root.fromJSON(descriptor).lookupType('mamori.v1.Event');
t('decode only', () => { for (const b of bytes) type.decode(b); });
t('toObject only', () => { const ms = bytes.slice(0, N).map((b) => type.decode(b)); const s = performance.now(); for (const m of ms) type.toObject(m, { longs: Number, enums: String, bytes: Buffer, defaults: true, oneofs: true }); });
t('JSON.stringify decoded', () => { for (const d of decoded) JSON.stringify(d); });
t('date iso', () => { for (let i = 0; i < N; i++) new Date(1e12 + i).toISOString(); });
