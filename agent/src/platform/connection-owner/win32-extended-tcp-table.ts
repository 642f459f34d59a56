/**
 * Windows: the owner of a loopback connection's client end.
 * OS interface: iphlpapi!GetExtendedTcpTable(AF_INET, TCP_TABLE_OWNER_PID_ALL) gives each IPv4 TCP connection
 *   with its owning process id (MIB_TCPROW_OWNER_PID: state, local addr/port, remote addr/port, pid; ports in
 *   network byte order in the low 16 bits); then OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION) +
 *   OpenProcessToken(TOKEN_QUERY) and WindowsIdentity give the process's user (DOMAIN\user). Called through
 *   PowerShell with a small C# P/Invoke type (Add-Type), so the agent needs no native addon.
 * Privileges: LocalSystem (the agent's service account) may open every user's process token.
 * Known gaps: written against Microsoft's documentation (iphlpapi.h, MIB_TCPROW_OWNER_PID, OpenProcessToken),
 *   never run here (no Windows machine); IPv6 loopback (::1) is not looked up; Add-Type compiles the helper on
 *   every call (~0.5 s), acceptable for one lookup per mail or upload report.
 */
import { execFile } from 'node:child_process';
import type { ConnectionOwner, ConnectionOwnerLookup, TcpConnection } from './connection-owner.ts';

const script = String.raw`
param([string]$ClientAddress, [int]$ClientPort, [string]$ServerAddress, [int]$ServerPort)
$ErrorActionPreference = 'Stop'
Add-Type -TypeDefinition @"
using System;
using System.Runtime.InteropServices;
using System.Security.Principal;
public static class MamoriTcpOwner {
  [StructLayout(LayoutKind.Sequential)]
  struct MIB_TCPROW_OWNER_PID { public uint state; public uint localAddr; public uint localPort; public uint remoteAddr; public uint remotePort; public uint owningPid; }
  [DllImport("iphlpapi.dll", SetLastError = true)]
  static extern uint GetExtendedTcpTable(IntPtr table, ref int size, bool order, int af, int tableClass, uint reserved);
  [DllImport("kernel32.dll", SetLastError = true)]
  static extern IntPtr OpenProcess(uint access, bool inherit, uint pid);
  [DllImport("advapi32.dll", SetLastError = true)]
  static extern bool OpenProcessToken(IntPtr process, uint access, out IntPtr token);
  [DllImport("kernel32.dll")]
  static extern bool CloseHandle(IntPtr handle);
  const int AF_INET = 2; const int TCP_TABLE_OWNER_PID_ALL = 5;
  static ushort Port(uint raw) { return (ushort)(((raw & 0xff) << 8) | ((raw >> 8) & 0xff)); }
  public static string Find(string clientAddr, int clientPort, string serverAddr, int serverPort) {
    uint client = BitConverter.ToUInt32(System.Net.IPAddress.Parse(clientAddr).GetAddressBytes(), 0);
    uint server = BitConverter.ToUInt32(System.Net.IPAddress.Parse(serverAddr).GetAddressBytes(), 0);
    int size = 0;
    GetExtendedTcpTable(IntPtr.Zero, ref size, false, AF_INET, TCP_TABLE_OWNER_PID_ALL, 0);
    IntPtr buffer = Marshal.AllocHGlobal(size);
    try {
      if (GetExtendedTcpTable(buffer, ref size, false, AF_INET, TCP_TABLE_OWNER_PID_ALL, 0) != 0) return "";
      int count = Marshal.ReadInt32(buffer);
      IntPtr row = IntPtr.Add(buffer, 4);
      int rowSize = Marshal.SizeOf(typeof(MIB_TCPROW_OWNER_PID));
      for (int i = 0; i < count; i++) {
        var r = (MIB_TCPROW_OWNER_PID)Marshal.PtrToStructure(IntPtr.Add(row, i * rowSize), typeof(MIB_TCPROW_OWNER_PID));
        if (r.localAddr == client && Port(r.localPort) == clientPort && r.remoteAddr == server && Port(r.remotePort) == serverPort) {
          IntPtr process = OpenProcess(0x1000, false, r.owningPid);
          if (process == IntPtr.Zero) return r.owningPid + "\t";
          try {
            IntPtr token;
            if (!OpenProcessToken(process, 0x0008, out token)) return r.owningPid + "\t";
            try { return r.owningPid + "\t" + new WindowsIdentity(token).Name; } finally { CloseHandle(token); }
          } finally { CloseHandle(process); }
        }
      }
      return "";
    } finally { Marshal.FreeHGlobal(buffer); }
  }
}
"@
[MamoriTcpOwner]::Find($ClientAddress, $ClientPort, $ServerAddress, $ServerPort)
`;

export class ExtendedTcpTableOwnerLookup implements ConnectionOwnerLookup {
  owner(connection: TcpConnection): Promise<ConnectionOwner | undefined> {
    const plain = (address: string) => address.replace(/^::ffff:/i, '');
    const args = ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command',
      `& { ${script} } '${plain(connection.remoteAddress)}' ${connection.remotePort} '${plain(connection.localAddress)}' ${connection.localPort}`];
    return new Promise((resolve) => {
      execFile('powershell.exe', args, { timeout: 15_000, windowsHide: true }, (error, stdout) => {
        const [pid, user] = String(stdout).trim().split('\t');
        if (error || !pid || !user) return resolve(undefined);
        resolve({ user, pid: Number(pid) });
      });
    });
  }
}
