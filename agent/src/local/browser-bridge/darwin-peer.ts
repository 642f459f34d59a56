/**
 * Identifies the peer of a Unix socket connection on macOS.
 * OS interface: the kernel knows the peer (getsockopt LOCAL_PEERPID / LOCAL_PEERCRED, getpeereid), but Node has
 * no getsockopt on net.Socket, so — as on Linux with sock_diag — this asks the system's own tool: `lsof -U`
 * lists every Unix socket with its kernel address and, for a connected one, the address of its peer
 * (`->0x…`); our accepted socket (this pid, its fd) names the peer's address, whose owner is the peer pid. Then
 * `ps` gives the real uid/gid, the parent pid and the executable (comm is the full path on macOS).
 * Privileges: root (the agent's LaunchDaemon) sees every process's sockets; unprivileged, only its own user's.
 * Known gaps: never run on a Mac here (fixtures are hand-written to lsof(8)'s -F field format, see
 * fixtures/README.md); a pid could be reused between connect and lookup (milliseconds); a native addon calling
 * LOCAL_PEERPID would avoid the lsof run (~50-100 ms per connection, once per browser start).
 */
import { execFile } from 'node:child_process';
import type { Socket } from 'node:net';
import { promisify } from 'node:util';
import type { PeerIdentifier, SocketPeer } from './peer.ts';

const run = promisify(execFile);

/** One open Unix socket as `lsof -F pfdn` lists it. */
interface LsofSocket {
  pid: number;
  fd: string;
  address: string;
  name: string;
}

/** Parses `lsof -nP -U -F pfdn` output: `p<pid>` opens a process, then `f<fd>` `d<address>` `n<name>` per file. */
export function parseLsofUnix(output: string): LsofSocket[] {
  const sockets: LsofSocket[] = [];
  let pid = 0;
  let current: LsofSocket | undefined;
  for (const line of output.split('\n')) {
    const field = line[0];
    const value = line.slice(1).trim();
    if (field === 'p') pid = Number(value);
    else if (field === 'f') {
      current = { pid, fd: value, address: '', name: '' };
      sockets.push(current);
    } else if (field === 'd' && current) current.address = value.toLowerCase();
    else if (field === 'n' && current) current.name = value;
  }
  return sockets;
}

/**
 * The pid at the other end of our socket (`ownPid`, `fd`): the socket whose address our entry points to
 * (`->0x…`), or, when lsof shows our end by its path, the socket that points to our address.
 */
export function peerPidFromLsof(output: string, ownPid: number, fd: number): number | undefined {
  const sockets = parseLsofUnix(output);
  const own = sockets.find((s) => s.pid === ownPid && s.fd === String(fd));
  if (!own) return undefined;
  const target = /^->(0x[0-9a-f]+)$/i.exec(own.name)?.[1]?.toLowerCase();
  const peer = target
    ? sockets.find((s) => s.address === target && s.pid !== ownPid)
    : sockets.find((s) => s.name.toLowerCase() === `->${own.address}` && s.pid !== ownPid);
  return peer?.pid;
}

/** `ps -o uid=,rgid=,ppid=,user=,comm= -p <pid>`: the executable (comm) is last and may contain spaces. */
export function parsePsLine(line: string): { uid: number; gid: number; ppid: number; user: string; exe: string } | undefined {
  const match = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(.+?)\s*$/.exec(line);
  if (!match) return undefined;
  return { uid: Number(match[1]), gid: Number(match[2]), ppid: Number(match[3]), user: match[4]!, exe: match[5]! };
}

export class LsofPeerIdentifier implements PeerIdentifier {
  constructor(private readonly lsof = '/usr/sbin/lsof', private readonly ps = '/bin/ps', private readonly ownPid = process.pid) {}

  async identify(socket: Socket): Promise<SocketPeer | undefined> {
    const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
    if (typeof fd !== 'number' || fd < 0) return undefined;
    const { stdout } = await run(this.lsof, ['-nP', '-U', '-F', 'pfdn'], { maxBuffer: 16 * 1024 * 1024 });
    const pid = peerPidFromLsof(stdout, this.ownPid, fd);
    if (pid === undefined) return undefined;
    const self = await this.#process(pid);
    if (!self) return undefined;
    const ancestors: string[] = [];
    let parent = self.ppid;
    for (let depth = 0; depth < 2 && parent > 1; depth += 1) {
      const info = await this.#process(parent);
      ancestors.push(info?.exe ?? '');
      parent = info?.ppid ?? 0;
    }
    return { pid, uid: self.uid, gid: self.gid, user: self.user, exe: self.exe, ancestors };
  }

  async #process(pid: number) {
    const { stdout } = await run(this.ps, ['-o', 'uid=,rgid=,ppid=,user=,comm=', '-p', String(pid)]).catch(() => ({ stdout: '' }));
    return parsePsLine(stdout.split('\n')[0] ?? '');
  }
}
