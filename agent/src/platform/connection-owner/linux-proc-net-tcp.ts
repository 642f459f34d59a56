/**
 * Linux: the owner of a loopback connection's client end, from procfs.
 * OS interface: /proc/net/tcp and /proc/net/tcp6 (one row per socket: local and remote address:port in hex, the
 *   socket's uid and inode), then /proc/<pid>/fd/* (links "socket:[inode]") for the process holding the socket,
 *   its /proc/<pid>/status (real uid) and comm; user names from /etc/passwd.
 * Privileges: the tables and /etc/passwd are world-readable; reading other users' /proc/<pid>/fd needs root with
 *   CAP_SYS_PTRACE (ptrace read access; the agent unit keeps it); without it the table's uid still names the user.
 * Known gaps: users known only to NSS (LDAP/AD via sssd) and absent from /etc/passwd are reported as "uid:N".
 */
import { readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConnectionOwner, ConnectionOwnerLookup, TcpConnection } from './connection-owner.ts';

export interface ProcPaths {
  proc: string;
  passwd: string;
}

/** "0100007F:0A1B" (little-endian IPv4) or 32 hex digits in four little-endian words (IPv6) → address + port. */
export function parseProcAddress(text: string): { address: string; port: number } {
  const [hex = '', portHex = '0'] = text.split(':');
  const port = Number.parseInt(portHex, 16);
  if (hex.length === 8) {
    const bytes = Buffer.from(hex, 'hex').reverse();
    return { address: [...bytes].join('.'), port };
  }
  const words: string[] = [];
  for (let i = 0; i < 32; i += 8) words.push(Buffer.from(hex.slice(i, i + 8), 'hex').reverse().toString('hex'));
  const groups = words.join('').match(/.{4}/g) ?? [];
  const v6 = groups.map((g) => g.replace(/^0+(?=.)/, '')).join(':');
  // IPv4-mapped (::ffff:a.b.c.d) rows appear when a dual-stack socket talks IPv4.
  const mapped = /^0:0:0:0:0:ffff:([0-9a-f]+):([0-9a-f]+)$/.exec(v6);
  if (mapped) {
    const n = (Number.parseInt(mapped[1]!, 16) << 16 | Number.parseInt(mapped[2]!, 16)) >>> 0;
    return { address: [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'), port };
  }
  return { address: v6 === '0:0:0:0:0:0:0:1' ? '::1' : v6, port };
}

const plain = (address: string) => address.replace(/^::ffff:/i, '');

export interface ProcSocketRow {
  local: { address: string; port: number };
  remote: { address: string; port: number };
  uid: number;
  inode: number;
}

export function parseProcNetTcp(text: string): ProcSocketRow[] {
  return text.split('\n').slice(1).flatMap((line) => {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10) return [];
    return [{ local: parseProcAddress(fields[1]!), remote: parseProcAddress(fields[2]!), uid: Number(fields[7]), inode: Number(fields[9]) }];
  });
}

export class ProcNetTcpOwnerLookup implements ConnectionOwnerLookup {
  readonly #paths: ProcPaths;

  constructor(paths: Partial<ProcPaths> = {}) {
    this.#paths = { proc: paths.proc ?? '/proc', passwd: paths.passwd ?? '/etc/passwd' };
  }

  async owner(connection: TcpConnection): Promise<ConnectionOwner | undefined> {
    // The client's socket: its local end is the server's remote end and the other way round.
    const wanted = (row: ProcSocketRow) => row.local.port === connection.remotePort && row.remote.port === connection.localPort
      && row.local.address === plain(connection.remoteAddress) && row.remote.address === plain(connection.localAddress);
    let row: ProcSocketRow | undefined;
    for (const table of ['tcp', 'tcp6']) {
      const text = await readFile(join(this.#paths.proc, 'net', table), 'utf8').catch(() => '');
      row = parseProcNetTcp(text).find(wanted);
      if (row) break;
    }
    if (!row) return undefined;
    const process = await this.#process(row.inode);
    const uid = process?.uid ?? row.uid;
    return { user: await this.#userName(uid), uid, ...(process ? { pid: process.pid, process: process.name } : {}) };
  }

  /** The process holding socket `inode` (first found), with its real uid and command name. */
  async #process(inode: number): Promise<{ pid: number; uid: number; name: string } | undefined> {
    if (inode === 0) return undefined;
    const target = `socket:[${inode}]`;
    const pids = (await readdir(this.#paths.proc).catch(() => [] as string[])).filter((name) => /^\d+$/.test(name));
    for (const pid of pids) {
      const fdDir = join(this.#paths.proc, pid, 'fd');
      const fds = await readdir(fdDir).catch(() => [] as string[]);
      for (const fd of fds) {
        if (await readlink(join(fdDir, fd)).catch(() => '') !== target) continue;
        const status = await readFile(join(this.#paths.proc, pid, 'status'), 'utf8').catch(() => '');
        const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? Number.NaN);
        const name = /^Name:\s+(.*)$/m.exec(status)?.[1]?.trim() ?? '';
        if (Number.isNaN(uid)) return undefined;
        return { pid: Number(pid), uid, name };
      }
    }
    return undefined;
  }

  async #userName(uid: number): Promise<string> {
    const passwd = await readFile(this.#paths.passwd, 'utf8').catch(() => '');
    for (const line of passwd.split('\n')) {
      const [name, , id] = line.split(':');
      if (name && Number(id) === uid) return name;
    }
    return `uid:${uid}`;
  }
}
