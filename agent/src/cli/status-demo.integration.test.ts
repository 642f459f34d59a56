import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { writeIdentity } from '../state/identity.ts';

const bin = fileURLToPath(new URL('../../bin/mamori-agent.js', import.meta.url));
const run = promisify(execFile);

/** A checkout whose `npm start` demo enrolled an agent in .mamori/agent. */
function checkoutWithDemo(): { checkout: string; demo: string } {
  const checkout = mkdtempSync(join(tmpdir(), 'checkout-'));
  const demo = join(checkout, '.mamori', 'agent');
  writeIdentity(demo, {
    agentId: 'agent-demo-1', pc: 'DEMO-PC', hardwareId: 'hw', collectorAddresses: ['localhost:7443'], caFingerprint: 'ab', caPem: '', publicKey: '',
    unlockKey: '', collectorName: 'localhost', enrolledMs: Date.now(),
  }, 'not a real key');
  mkdirSync(join(checkout, 'agent', 'src'), { recursive: true });
  return { checkout, demo };
}

describe('mamori-agent status in a checkout', () => {
  it("reports the npm start demo's agent from anywhere in the checkout when this PC has no installed agent", async () => {
    const { checkout, demo } = checkoutWithDemo();
    const { MAMORI_AGENT_STATE: _state, MAMORI_HOME: _home, ...env } = process.env;
    const { stdout } = await run(process.execPath, [bin, 'status', '--json'], { cwd: join(checkout, 'agent', 'src'), env });
    expect(JSON.parse(stdout)).toMatchObject({ agentId: 'agent-demo-1', pc: 'DEMO-PC', running: false, stateDir: demo });
    const text = await run(process.execPath, [bin, 'status'], { cwd: checkout, env });
    expect(text.stdout).toContain(`the npm start demo's agent (${demo})`);
  });

  it('keeps a state dir the admin names, and says "not enrolled" outside any checkout', async () => {
    const { checkout } = checkoutWithDemo();
    const elsewhere = mkdtempSync(join(tmpdir(), 'empty-state-'));
    const named = await run(process.execPath, [bin, '-s', elsewhere, 'status'], { cwd: checkout }).catch((e: { code: number; stderr: string }) => e);
    expect(named).toMatchObject({ code: 1 });
    expect((named as { stderr: string }).stderr).toMatch(/not enrolled/);
  });
});
