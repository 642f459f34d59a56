/**
 * The agent's end of native messaging on Windows: a named pipe (`\\.\pipe\mamori-browser`) owned by one
 * long-lived PowerShell process running a small C# host (Add-Type), because the client of a pipe is known only to
 * the pipe's owner: Node's named pipe server does not expose its HANDLE, and GetNamedPipeClientProcessId needs it.
 * OS interfaces (Microsoft Learn): NamedPipeServerStream + PipeSecurity (Authenticated Users may connect, only the
 * host may create instances, PipeOptions.CurrentUserOnly is NOT used since every user's browser must reach it);
 * GetNamedPipeClientProcessId (kernel32) for the client's pid; Win32_Process (ProcessId, ParentProcessId,
 * ExecutablePath) and GetOwnerSid / GetOwner for its user and its parent and grandparent executables.
 * Line protocol (UTF-8 JSON, one per line): host → agent `{"kind":"ready"}`, `{"kind":"connect","conn":N,"pid":…,
 * "sid":…,"user":…,"exe":…,"ancestors":[…]}` (the peer is looked up before any byte is read), `{"kind":"line",
 * "conn":N,"text":…}`, `{"kind":"closed","conn":N}`; agent → host `{"conn":N,"text":…}` (write one line) and
 * `{"conn":N,"close":true}`.
 * Privileges: the agent service (LocalSystem) runs the host; it sees every process's owner.
 * Known gaps: written against the documentation, never compiled or run here (no Windows machine); hashing as the
 * user is not built on Windows: reports with a local path are recorded with size 0 / no hash there (the
 * browser-side hashes of chosen files still arrive). `.github/workflows/windows.yml` is where it would run.
 */
import { readJsonLine } from '../../platform/json-line.ts';
import { powershellArgs } from '../../platform/powershell.ts';

export const DEFAULT_PIPE_NAME = 'mamori-browser';

const HOST_SOURCE = String.raw`
using System; using System.IO; using System.IO.Pipes; using System.Text; using System.Threading;
using System.Collections.Concurrent; using System.Runtime.InteropServices; using System.Security.AccessControl;
using System.Security.Principal; using System.Management;
public static class MamoriPipeHost {
  [DllImport("kernel32.dll", SetLastError = true)]
  static extern bool GetNamedPipeClientProcessId(IntPtr pipe, out uint clientProcessId);
  static readonly object Out = new object();
  static readonly ConcurrentDictionary<int, StreamWriter> Writers = new ConcurrentDictionary<int, StreamWriter>();
  static int next = 0;
  static string Q(string s) { if (s == null) return "null"; var b = new StringBuilder("\""); foreach (var c in s) { if (c == '"' || c == '\\') b.Append('\\').Append(c); else if (c < 0x20) b.AppendFormat("\\u{0:x4}", (int)c); else b.Append(c); } return b.Append('"').ToString(); }
  static void Send(string json) { lock (Out) { Console.Out.WriteLine(json); Console.Out.Flush(); } }
  static ManagementObject Proc(uint pid) { using (var s = new ManagementObjectSearcher("SELECT ProcessId, ParentProcessId, ExecutablePath FROM Win32_Process WHERE ProcessId = " + pid)) { foreach (ManagementObject o in s.Get()) return o; } return null; }
  static string Peer(uint pid) {
    var p = Proc(pid); if (p == null) return null;
    string sid = null, user = null;
    try { var r = p.InvokeMethod("GetOwnerSid", null, null); sid = (string)r["Sid"]; } catch {}
    try { var r = p.InvokeMethod("GetOwner", null, null); user = (string)r["Domain"] + "\\" + (string)r["User"]; } catch {}
    var ancestors = new StringBuilder("["); uint parent = (uint)p["ParentProcessId"];
    for (int depth = 0; depth < 2 && parent > 4; depth++) { var a = Proc(parent); if (depth > 0) ancestors.Append(','); ancestors.Append(Q(a == null ? "" : (string)a["ExecutablePath"])); parent = a == null ? 0 : (uint)a["ParentProcessId"]; }
    ancestors.Append("]");
    return "\"pid\":" + pid + ",\"sid\":" + Q(sid) + ",\"user\":" + Q(user) + ",\"exe\":" + Q((string)p["ExecutablePath"]) + ",\"ancestors\":" + ancestors;
  }
  static void Serve(NamedPipeServerStream pipe, int conn) {
    try {
      uint pid; string peer = GetNamedPipeClientProcessId(pipe.SafePipeHandle.DangerousGetHandle(), out pid) ? Peer(pid) : null;
      // The writer exists before the agent hears of the connection, so its answer (or refusal) cannot be lost.
      Writers[conn] = new StreamWriter(pipe, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
      Send("{\"kind\":\"connect\",\"conn\":" + conn + (peer == null ? ",\"pid\":0" : "," + peer) + "}");
      var reader = new StreamReader(pipe, new UTF8Encoding(false));
      string line; while ((line = reader.ReadLine()) != null) Send("{\"kind\":\"line\",\"conn\":" + conn + ",\"text\":" + Q(line) + "}");
    } catch {} finally { StreamWriter w; Writers.TryRemove(conn, out w); try { pipe.Dispose(); } catch {} Send("{\"kind\":\"closed\",\"conn\":" + conn + "}"); }
  }
  public static void Run(string name) {
    var security = new PipeSecurity();
    security.AddAccessRule(new PipeAccessRule(new SecurityIdentifier(WellKnownSidType.AuthenticatedUserSid, null), PipeAccessRights.ReadWrite, AccessControlType.Allow));
    security.AddAccessRule(new PipeAccessRule(WindowsIdentity.GetCurrent().User, PipeAccessRights.FullControl, AccessControlType.Allow));
    new Thread(() => { string line; while ((line = Console.In.ReadLine()) != null) Command(line); Environment.Exit(0); }) { IsBackground = true }.Start();
    Send("{\"kind\":\"ready\"}");
    while (true) {
      var pipe = new NamedPipeServerStream(name, PipeDirection.InOut, NamedPipeServerStream.MaxAllowedServerInstances, PipeTransmissionMode.Byte, PipeOptions.Asynchronous, 65536, 65536, security);
      pipe.WaitForConnection();
      int conn = Interlocked.Increment(ref next);
      new Thread(() => Serve(pipe, conn)) { IsBackground = true }.Start();
    }
  }
  static void Command(string line) {
    // {"conn":N,"text":"…"} or {"conn":N,"close":true}, written by the agent (its JSON.stringify: text is escaped JSON).
    var m = System.Text.RegularExpressions.Regex.Match(line, "^\\{\"conn\":(\\d+),(\"text\":(\".*\")|\"close\":true)\\}$");
    if (!m.Success) return; int conn = int.Parse(m.Groups[1].Value); StreamWriter w; if (!Writers.TryGetValue(conn, out w)) return;
    try { if (m.Groups[3].Success) w.WriteLine(Unquote(m.Groups[3].Value)); else w.BaseStream.Dispose(); } catch {}
  }
  static string Unquote(string s) { return (string)new System.Web.Script.Serialization.JavaScriptSerializer().Deserialize<string>(s); }
}`;

/** The PowerShell script that compiles and runs the host on pipe `name`. */
export function pipeHostScript(name = DEFAULT_PIPE_NAME): string {
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(name)) throw new Error(`pipe name "${name}" must be letters, digits, . _ -`);
  return [
    "$ErrorActionPreference = 'Stop'",
    `Add-Type -ReferencedAssemblies System.Management, System.Web.Extensions, System.Core -TypeDefinition @'\n${HOST_SOURCE}\n'@`,
    `[MamoriPipeHost]::Run('${name}')`,
  ].join('\n');
}

/** powershell.exe arguments for the host. */
export function pipeHostArgs(name = DEFAULT_PIPE_NAME): string[] {
  return powershellArgs(pipeHostScript(name));
}

/** One line of the host, as the agent understands it (undefined: not a line of ours). */
export type PipeHostLine =
  | { kind: 'ready' }
  | { kind: 'connect'; conn: number; peer?: { pid: number; sid: string; user: string; exe: string; ancestors: string[] } }
  | { kind: 'line'; conn: number; text: string }
  | { kind: 'closed'; conn: number };

export function parsePipeHostLine(line: string): PipeHostLine | undefined {
  const fields = readJsonLine(line);
  if (!fields) return undefined;
  const conn = fields.count('conn');
  switch (fields.kind) {
    case 'ready':
      return { kind: 'ready' };
    case 'connect': {
      const pid = fields.count('pid');
      const ancestors = Array.isArray(fields.raw.ancestors) ? fields.raw.ancestors.filter((a): a is string => typeof a === 'string') : [];
      return pid > 0
        ? { kind: 'connect', conn, peer: { pid, sid: fields.str('sid'), user: fields.str('user'), exe: fields.str('exe'), ancestors } }
        : { kind: 'connect', conn };
    }
    case 'line':
      return { kind: 'line', conn, text: fields.str('text') };
    case 'closed':
      return { kind: 'closed', conn };
    default:
      return undefined;
  }
}
