import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scriptOf } from '../../platform/powershell.ts';
import type { SocketPeer } from './peer.ts';
import { Win32PipeBridgeServer } from './win32-pipe-bridge.ts';
import { parsePipeHostLine, pipeHostArgs } from './win32-pipe-host.ts';

const fixture = fileURLToPath(new URL('./fixtures/win32-pipe-host.jsonl', import.meta.url));
const chrome = 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe';

/** A real child process playing the PowerShell host: it prints the hand-written lines and keeps what the agent writes. */
function replayHost(written: string) {
  const code = `
    const fs = require('node:fs');
    process.stdin.on('data', (d) => fs.appendFileSync(${JSON.stringify(written)}, d));
    for (const line of fs.readFileSync(${JSON.stringify(fixture)}, 'utf8').split('\\n')) if (line) process.stdout.write(line + '\\n');
    setTimeout(() => process.exit(0), 1500);`;
  return () => spawn(process.execPath, ['-e', code]);
}

describe('Windows named pipe bridge (host lines hand-written, see fixtures/README.md)', () => {
  it('answers only a client the browser started, as the user the host named; refuses and closes the others', async () => {
    const written = join(mkdtempSync(join(tmpdir(), 'mamori-pipe-')), 'to-host.jsonl');
    const refused: string[] = [];
    const seen: { peer: SocketPeer; path: string }[] = [];
    const bridge = new Win32PipeBridgeServer({ browserExecutables: [chrome.toUpperCase()], spawnHost: replayHost(written), onRefused: (reason) => refused.push(reason) });
    bridge.handle(async (peer, path) => {
      seen.push({ peer, path });
      return { status: 200, body: { ok: true } };
    });
    await bridge.listen();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(bridge.push('rules', (peer) => ({ rules: { for: peer.user } }))).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await bridge.close();

    expect(seen).toEqual([{ path: '/extension/v1/pair', peer: expect.objectContaining({ pid: 7312, user: 'CORP\\tanaka', sid: 'S-1-5-21-3623811015-3361044348-30300820-1013', uid: -1 }) }]);
    expect(refused).toEqual([
      'pid 8820 (C:\\Users\\tanaka\\AppData\\Local\\Temp\\forge.exe, CORP\\tanaka) was not started by an allowed browser',
      'the client of this pipe connection cannot be identified',
    ]);
    const toHost = readFileSync(written, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { conn: number; text?: string; close?: boolean });
    const answers = (conn: number) => toHost.filter((l) => l.conn === conn && l.text).map((l) => JSON.parse(l.text!) as Record<string, unknown>);
    expect(answers(1)).toEqual([{ id: 1, status: 200, body: { ok: true } }, { id: 0, push: 'rules', status: 200, body: { rules: { for: 'CORP\\tanaka' } } }]);
    expect(answers(2)).toEqual([expect.objectContaining({ status: 403 })]); // the forged upload was never read
    expect(toHost.filter((l) => l.close).map((l) => l.conn)).toEqual([2, 3]);
  });

  it('rejects listen() when the host exits before opening the pipe', async () => {
    const bridge = new Win32PipeBridgeServer({ browserExecutables: [chrome], spawnHost: () => spawn(process.execPath, ['-e', 'process.exit(3)']) });
    await expect(bridge.listen()).rejects.toThrow(/exited \(3\) before opening the pipe/);
  });

  it('builds the host script for a safe pipe name only, and reads its lines strictly', () => {
    const script = scriptOf(pipeHostArgs('mamori-browser'));
    expect(script).toContain("[MamoriPipeHost]::Run('mamori-browser')");
    expect(script).toContain('GetNamedPipeClientProcessId');
    expect(() => pipeHostArgs("x'; Remove-Item C:\\")).toThrow(/must be letters/);
    expect(parsePipeHostLine('WARNING: something')).toBeUndefined();
    expect(parsePipeHostLine('{"kind":"connect","conn":4}')).toEqual({ kind: 'connect', conn: 4 });
  });
});
