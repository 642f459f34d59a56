// bench:storage — bytes per stored event, by kind, and where those bytes go. Each kind gets a fresh SQLite store
// (all migrations) and BENCH_EVENTS events (default 50,000) of that kind from 20 agents, through the collector's own
// path: signed, hash-chained and sealed batches by `appendBatch`, the projector's query tables and full-text index by
// `projectPending`, and the risk scorer's observations. A last run stores a mix of every kind. The file is
// checkpointed and measured page by page with SQLite's `dbstat` table (pages in use, including their free space),
// minus the same store before any event, so fixed costs (schema, policy, agents) are not counted per event.
// Target (issue 14): toward ≤ 300 bytes per event. JSON key `bytes_per_event`.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  ZERO_HASH, chainHash, decodeEnvelope, encodeEvent, sealEvent, type Event,
} from '@mamori/proto';
import { SqliteStore } from '@mamori/collector';
import { defaultPolicyDir, loadPolicyDir } from '@mamori/policies';
import { RiskService } from '../../collector/src/risk/risk-service.ts';
import { tempDir } from '../harness/collector.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 50_000);
const AGENTS = 20;
const BATCH = 500;
const TARGET_BYTES = 300;

let seed = 7;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff) / 0x7fffffff);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const words = ['見積書', '顧客名簿', '売上集計', '請求書', 'design', 'budget', 'contract', 'roadmap', '議事録', '設計図', 'backup', 'invoice'];
const hex = () => randomBytes(32).toString('hex');
const fileName = (i: number) => `${pick(words)}_${2026 - (i % 3)}${String(1 + (i % 12)).padStart(2, '0')}_v${i % 9}.${pick(['xlsx', 'docx', 'pdf', 'csv', 'pptx'])}`;

/** One realistic event of a kind (what a Linux or Windows agent records), varied so nothing compresses unfairly. */
const drafts: Record<string, (i: number) => Partial<Event>> = {
  file_copy: (i) => {
    const name = fileName(i);
    return { fileCopy: {
      destinationPath: `/media/tanaka/KINGSTON/${pick(['案件', 'work', '共有'])}/${name}`, destinationKind: 'removable', destinationRoot: '/media/tanaka/KINGSTON',
      sizeBytes: Math.floor(random() * 5e6), sha256: hex(), operation: 'created', sourcePath: `/home/tanaka/Documents/${name}`,
      device: { vendorId: '0951', productId: '1666', serial: `60A44C42${String(i % 50).padStart(4, '0')}`, vendor: 'Kingston', product: 'DataTraveler 3.0' },
    } };
  },
  print: (i) => ({ printJob: {
    jobId: i, documentName: fileName(i), printer: pick(['PRN-3F-COLOR', 'PRN-2F-MONO', 'PRN-1F-A3']), jobUser: 'tanaka', pages: 1 + Math.floor(random() * 30),
    copies: 1 + (i % 2), action: 'logged', state: 'completed', submittedMs: Date.now() - i * 1000,
  } }),
  mail: (i) => ({ mail: {
    subject: `【ご確認】${pick(words)}の件 (${i})`, from: 'tanaka@example.co.jp', to: [`${pick(['sato', 'suzuki', 'ito'])}${i % 97}@${pick(['example.co.jp', 'gmail.com', 'partner.co.jp'])}`],
    cc: i % 3 === 0 ? ['team@example.co.jp'] : [], attachments: i % 2 === 0 ? [{ fileName: fileName(i), sizeBytes: Math.floor(random() * 2e6), sha256: hex(), contentType: 'application/pdf' }] : [],
    verdict: 'relayed', bodyExcerpt: 'お世話になっております。株式会社サンプルの田中です。資料を添付いたしますのでご確認ください。', messageId: `<${hex().slice(0, 24)}@example.co.jp>`,
  } }),
  upload: (i) => ({ upload: {
    fileName: fileName(i), destinationHost: pick(['drive.google.com', 'www.dropbox.com', 'firestorage.jp', 'gigafile.nu', 'chatgpt.com']),
    destinationUrl: `https://${pick(['drive.google.com', 'www.dropbox.com'])}/upload/${hex().slice(0, 16)}`, category: pick(['personal_cloud', 'file_transfer', 'generative_ai']),
    sizeBytes: Math.floor(random() * 1e7), sha256: hex(), method: pick(['input', 'drop', 'fetch']), browser: 'chrome', pageUrl: 'https://drive.google.com/drive/my-drive',
  } }),
  device: (i) => ({ device: {
    action: pick(['ATTACHED', 'MOUNTED', 'BLOCKED', 'DETACHED'] as const),
    device: { vendorId: '0781', productId: '5583', serial: `4C5310${String(i % 500).padStart(6, '0')}`, vendor: 'SanDisk', product: 'Ultra Fit', deviceClass: '08', busPath: '1-2.1' },
  } }),
  lifecycle: (i) => ({ lifecycle: { kind: pick(['STARTED', 'STOPPED', 'POLICY_APPLIED']), agentVersion: '1.4.0', detail: i % 2 ? 'graceful stop' : 'boot' } }),
};

function pagesByObject(path: string): Map<string, number> {
  const db = new Database(path);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const rows = db.prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name').all() as { name: string; bytes: number }[];
  db.close();
  return new Map(rows.map((row) => [row.name, row.bytes]));
}

async function storeKind(kinds: string[]): Promise<{ bytesPerEvent: number; byObject: [string, number][] }> {
  const dir = tempDir('mamori-storage-');
  const path = join(dir, 'collector.db');
  const store = new SqliteStore(path);
  const policy = loadPolicyDir(defaultPolicyDir);
  const risk = new RiskService({ repos: store.repos, policy: { current: policy, onChange: () => () => undefined } });
  for (let a = 0; a < AGENTS; a += 1) {
    await store.createAgent({
      id: `agent-${a}`, pc: `PC-ACCT-${String(a).padStart(2, '0')}`, hardwareId: `hw-${a}`, os: 'linux', publicKey: randomBytes(32), unlockKey: randomBytes(32),
      enrolledMs: Date.now(), previousAgentId: null,
    });
  }
  await risk.start();
  await risk.stop(); // its timers would otherwise write to the closed store ("database connection is not open")
  await store.close();
  const before = pagesByObject(path);
  const reopened = new SqliteStore(path);
  const scorer = new RiskService({ repos: reopened.repos, policy: { current: policy, onChange: () => () => undefined } });
  await scorer.start();

  const perAgent = Math.ceil(EVENTS / AGENTS);
  let n = 0;
  for (let a = 0; a < AGENTS; a += 1) {
    const agentId = `agent-${a}`;
    let hash = ZERO_HASH;
    const sealKey = randomBytes(32);
    for (let first = 1; first <= perAgent; first += BATCH) {
      const prevHash = hash;
      const events: { seq: number; bytes: Buffer; hash: Buffer; envelope: ReturnType<typeof decodeEnvelope> }[] = [];
      const seals: Buffer[] = [];
      for (let seq = first; seq < Math.min(first + BATCH, perAgent + 1); seq += 1) {
        n += 1;
        const kind = kinds[n % kinds.length]!;
        const bytes = encodeEvent({ seq, timeMs: Date.now() - (perAgent - seq) * 60_000, agentId, pc: `PC-ACCT-${String(a).padStart(2, '0')}`, user: `tanaka${a}`, ...drafts[kind]!(n) });
        hash = chainHash(hash, bytes);
        events.push({ seq, bytes, hash, envelope: decodeEnvelope(bytes) });
        seals.push(sealEvent(sealKey, seq, 0, hash));
      }
      const epochs = events.map(() => 0);
      await reopened.appendBatch({
        agentId, firstSeq: first, lastSeq: events.at(-1)!.seq, prevHash, lastHash: hash, signature: randomBytes(64), events,
        seal: { chain: 1, epochs, seals: Buffer.concat(seals), closes: [] },
      }, Date.now());
    }
  }
  for (;;) {
    const pass = await reopened.projectPending(5_000);
    if (pass.events.length === 0) break;
    await scorer.take(pass.events);
  }
  await scorer.stop();
  await reopened.close();
  const after = pagesByObject(path);
  rmSync(dir, { recursive: true, force: true });
  const byObject: [string, number][] = [];
  let total = 0;
  for (const [name, bytes] of after) {
    const grown = bytes - (before.get(name) ?? 0);
    if (grown <= 0) continue;
    total += grown;
    byObject.push([name, grown / EVENTS]);
  }
  byObject.sort((x, y) => y[1] - x[1]);
  return { bytesPerEvent: total / EVENTS, byObject };
}

const results: Record<string, number> = {};
const where: Record<string, Record<string, number>> = {};
for (const kinds of [...Object.keys(drafts).map((k) => [k]), Object.keys(drafts)]) {
  const label = kinds.length === 1 ? kinds[0]! : 'mix';
  const { bytesPerEvent, byObject } = await storeKind(kinds);
  results[label] = Math.round(bytesPerEvent);
  where[label] = Object.fromEntries(byObject.slice(0, 8).map(([name, bytes]) => [name, Math.round(bytes)]));
  console.log(`${label.padEnd(10)} ${String(Math.round(bytesPerEvent)).padStart(6)} bytes/event   ${byObject.slice(0, 6).map(([name, bytes]) => `${name} ${Math.round(bytes)}`).join(', ')}`);
}
console.log(`target: toward ≤ ${TARGET_BYTES} bytes per event (evidence + query tables + indexes), ${EVENTS} events per kind`);
console.log(JSON.stringify({ bench: 'storage', events_per_kind: EVENTS, bytes_per_event: results, target_bytes_per_event: TARGET_BYTES, where_bytes_go: where }));
