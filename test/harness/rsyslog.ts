import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { ensureDebianPackages } from './system-packages.ts';
import { freePort } from './free-port.ts';

export { freePort };

/** rsyslog's GnuTLS network stream driver, from Debian's rsyslog-gnutls (multiarch path). */
const gtlsDriver = `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu/rsyslog/lmnsd_gtls.so`;

/** Installs rsyslog + rsyslog-gnutls + openssl when missing (see system-packages.ts). */
export function ensureRsyslog(): boolean {
  return ensureDebianPackages(['rsyslog', 'rsyslog-gnutls', 'openssl'], ['rsyslogd', 'openssl'], [gtlsDriver]);
}

/** A private CA and a server certificate for `localhost`, made with openssl. */
export function makeTlsFiles(dir: string): { caFile: string; certFile: string; keyFile: string } {
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Mamori test SIEM CA']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext']);
  return { caFile: join(dir, 'ca.pem'), certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server.key') };
}

export interface RsyslogReceiver {
  port: number;
  caFile: string;
  /** Every message rsyslog wrote to its file, one per line, as received (%rawmsg%). */
  messages(): string[];
  stop(): Promise<void>;
}

/**
 * A real rsyslogd (Debian) as a syslog-over-TLS receiver (imtcp + gtls, RFC 6587 octet-counted framing) on a free
 * loopback port, writing each message it receives as one line of a file. Stopped by its pid.
 */
export async function startRsyslogTlsReceiver(dir: string): Promise<RsyslogReceiver> {
  mkdirSync(join(dir, 'work'), { recursive: true });
  const { caFile, certFile, keyFile } = makeTlsFiles(dir);
  const port = await freePort();
  const output = join(dir, 'received.log');
  writeFileSync(join(dir, 'rsyslog.conf'), `
global(workDirectory="${dir}/work" maxMessageSize="64k"
  defaultNetstreamDriver="gtls" defaultNetstreamDriverCAFile="${caFile}"
  defaultNetstreamDriverCertFile="${certFile}" defaultNetstreamDriverKeyFile="${keyFile}")
module(load="imtcp" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")
input(type="imtcp" port="${port}" address="127.0.0.1")
template(name="raw" type="string" string="%rawmsg%\\n")
action(type="omfile" file="${output}" template="raw" flushOnTXEnd="on" asyncWriting="off")
`);
  const child: ChildProcess = spawn('rsyslogd', ['-n', '-f', join(dir, 'rsyslog.conf'), '-i', join(dir, 'rsyslogd.pid')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`rsyslogd exited ${child.exitCode}: ${stderr}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true); });
      socket.on('error', () => resolve(false));
    });
    if (open) break;
    if (Date.now() > deadline) throw new Error(`rsyslogd did not listen on ${port}: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    port, caFile,
    messages: () => (existsSync(output) ? readFileSync(output, 'utf8').split('\n').filter(Boolean) : []),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
