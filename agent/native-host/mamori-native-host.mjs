#!/usr/bin/env node
// Mamori native messaging host: Chrome / Edge start it (as the signed-in user) when the Mamori extension calls
// chrome.runtime.connectNative('jp.mamori.agent'); only the extension ids in the host manifest's allowed_origins
// can. It relays the extension's messages to the agent's Unix socket and the answers back, unchanged. It holds
// no secret: the agent decides whether to listen by asking the OS who this process is and who started it.
// Protocol to the browser: 4-byte native-endian length + UTF-8 JSON, each way. To the agent: JSON lines.
import { Buffer } from 'node:buffer';
import { connect } from 'node:net';
import process from 'node:process';

// The agent's end: a Unix socket (Linux, macOS), a named pipe on Windows (the agent's PowerShell pipe host).
const defaultSocket = process.platform === 'win32' ? '\\\\.\\pipe\\mamori-browser'
  : process.platform === 'darwin' ? '/Library/Application Support/Mamori/browser.sock' : '/run/mamori/browser.sock';
const socketPath = process.env.MAMORI_BROWSER_SOCKET || defaultSocket;
const MAX_FROM_BROWSER = 4 * 1024 * 1024;
const agent = connect(socketPath);
agent.setEncoding('utf8');

let pending = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  pending = Buffer.concat([pending, chunk]);
  while (pending.length >= 4) {
    const length = pending.readUInt32LE(0);
    if (length > MAX_FROM_BROWSER) process.exit(1);
    if (pending.length < 4 + length) break;
    const text = pending.subarray(4, 4 + length).toString('utf8');
    pending = pending.subarray(4 + length);
    agent.write(`${text.replace(/\n/g, ' ')}\n`);
  }
});
process.stdin.on('end', () => agent.end());

let lines = '';
agent.on('data', (text) => {
  lines += text;
  let newline;
  while ((newline = lines.indexOf('\n')) >= 0) {
    const body = Buffer.from(lines.slice(0, newline), 'utf8');
    lines = lines.slice(newline + 1);
    const header = Buffer.alloc(4);
    header.writeUInt32LE(body.length, 0);
    process.stdout.write(Buffer.concat([header, body]));
  }
});
agent.on('error', () => process.exit(2));
agent.on('close', () => process.exit(0));
