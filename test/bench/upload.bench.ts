// bench:upload — how much the upload monitor slows a page handing a file to an upload. One real headless
// Chromium with the Mamori extension (native host, agent's upload sensor in this process: hashing, recording) and
// one without any extension — the ceiling, in the same run — each open the same page; the page posts the chosen
// BENCH_MB (default 100) MB file with fetch(FormData) as soon as it is chosen, to a local HTTPS site.
// Timed: from choosing the file to the page holding the site's answer. Rounds alternate with/without; medians
// are compared. Needs the Debian chromium package (and root to install it).
// Fair to both: the receiving site runs in its own process (upload-site-child.ts), as a real site is elsewhere,
// never on the agent's thread (the lab's own site shares this process with the agent's sensor); and after each
// round with the extension the bench waits, untimed, until the agent has recorded that upload, so the agent's
// follow-up work (reading the file to hash it) does not land in the next round, whichever browser it times.
// Also printed: how long after the page's answer the agent had the upload recorded (hashed).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { defaultPolicyDir, defaultUploadEnforcement, loadPolicyDir } from '@mamori/policies';
import { UploadLab } from '../../agent/src/sensors/upload/testing/upload-lab.ts';
import { ensureDebianPackages } from '../harness/system-packages.ts';

const MB = Number(process.env.BENCH_MB ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  ensureDebianPackages(['chromium', 'openssl'], ['chromium', 'openssl']);
  const shipped = loadPolicyDir(defaultPolicyDir);
  // The shipped policy (enforcement on: the page's site is uncategorised, so the file is allowed and recorded).
  const lab = await UploadLab.start({ ...shipped, upload: { ...shipped.upload, enforcement: shipped.upload.enforcement ?? defaultUploadEnforcement } });
  const file = join(lab.work, 'bench-upload.bin');
  const fd = openSync(file, 'w');
  for (let i = 0; i < MB; i += 1) writeSync(fd, randomBytes(1024 * 1024));
  closeSync(fd);
  const plain: BrowserContext = await chromium.launchPersistentContext(join(lab.work, 'plain-profile'), {
    executablePath: '/usr/bin/chromium', headless: false,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--host-resolver-rules=MAP * 127.0.0.1', '--ignore-certificate-errors', '--disable-features=HttpsUpgrades'],
  });
  const site = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./upload-site-child.ts', import.meta.url)), join(lab.work, 'key.pem'), join(lab.work, 'cert.pem')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const siteLines = createInterface({ input: site.stdout! });
  let siteReceived = 0;
  const sitePort = await new Promise<number>((resolve) => siteLines.on('line', (line) => {
    const message = JSON.parse(line) as { port?: number; bytes?: number };
    if (message.port) resolve(message.port);
    else if ((message.bytes ?? 0) >= MB * 1024 * 1024) siteReceived += 1;
  }));
  const target = `https://files.bench.example:${sitePort}/upload`;
  const pageUrl = `${lab.url('app.bench.example', '/pages/input')}?target=${encodeURIComponent(target)}`;

  const recordedCount = () => lab.uploads().filter((u) => u.fileName === 'bench-upload.bin').length;
  /** How long after the page's answer the agent had each upload recorded. */
  const recordedAfter: number[] = [];

  async function once(context: BrowserContext): Promise<number> {
    const page = await context.newPage();
    await page.goto(pageUrl);
    const recordedBefore = recordedCount();
    const started = performance.now();
    await page.locator('#file').setInputFiles(file);
    await page.locator('#status', { hasText: 'sent 200' }).waitFor({ timeout: 120_000 });
    const elapsed = performance.now() - started;
    const answered = performance.now();
    await page.close();
    if (context === lab.context) {
      await lab.until(() => recordedCount() > recordedBefore, 'the agent to record the upload', 120_000);
      recordedAfter.push(performance.now() - answered);
    }
    return elapsed;
  }

  const withExtension: number[] = [];
  const without: number[] = [];
  await once(lab.context); // warm-up: first page load, service worker wake-up
  await once(plain);
  for (let round = 0; round < ROUNDS; round += 1) {
    // Alternate which goes first, so neither always meets a cooler or busier machine.
    if (round % 2 === 0) {
      withExtension.push(await once(lab.context));
      without.push(await once(plain));
    } else {
      without.push(await once(plain));
      withExtension.push(await once(lab.context));
    }
  }
  await lab.until(() => lab.uploads().filter((u) => u.fileName === 'bench-upload.bin').length >= ROUNDS + 1, 'every bench upload to be recorded', 120_000);
  const recorded = lab.uploads().filter((u) => u.fileName === 'bench-upload.bin');
  const ratio = median(withExtension) / median(without);
  console.log(`upload of one ${MB} MB file from a page (fetch + FormData), ${ROUNDS} rounds, median ms`);
  console.log(`  without extension : ${median(without).toFixed(0)}  (${without.map((v) => v.toFixed(0)).join(', ')})`);
  console.log(`  with extension    : ${median(withExtension).toFixed(0)}  (${withExtension.map((v) => v.toFixed(0)).join(', ')})`);
  console.log(`  overhead ratio    : ${ratio.toFixed(3)} (target <= 1.10); recorded ${recorded.length} uploads, all hashed: ${recorded.every((u) => u.sha256?.length === 64)}; site received ${siteReceived}`);
  console.log(`  agent's record    : ${median(recordedAfter).toFixed(0)} ms after the page's answer (median; file hashed from disk as the user)`);
  console.log(JSON.stringify({
    bench: 'upload', file_mb: MB, rounds: ROUNDS, with_extension_ms: Math.round(median(withExtension)),
    without_extension_ms: Math.round(median(without)), overhead_ratio: Number(ratio.toFixed(3)), target_ratio: 1.1,
    recorded: recorded.length, recorded_after_answer_ms: Math.round(median(recordedAfter)),
  }));
  site.kill('SIGTERM');
  await plain.close();
  await lab.close();
}

await main();
