/**
 * RFC 5424 syslog messages with RFC 6587 octet-counted framing ("LEN SP MSG"), as RFC 5425 (syslog over TLS)
 * requires. Written here rather than taken from npm: the maintained clients (syslog-client, @n8n/syslog-client,
 * winston-syslog) own the socket, frame with a trailing newline (non-transparent framing, which a newline inside a
 * message breaks) and give no per-write completion to move an export cursor by; glossy formats RFC 5424 but frames
 * nothing and has not been released since 2015.
 */

export interface SyslogMessage {
  facility: number;
  /** 0 emergency … 7 debug. */
  severity: number;
  timeMs: number;
  /** The machine the event happened on; non-ASCII names (e.g. PC-経理-07) become "-" and stay in structured data. */
  hostname: string;
  appName: string;
  procId?: string;
  msgId: string;
  /** SD-ID → params. SD-IDs here must already be valid (name@enterprise-number). */
  structuredData: [string, Record<string, string>][];
  /** UTF-8 text; sent after a BOM as RFC 5424 §6.4 asks for UTF-8 MSG. */
  message: string;
}

/** A header field is PRINTUSASCII (%d33-126) up to a maximum length; anything else is NILVALUE ("-"). */
export function headerField(value: string | undefined, maxLength: number): string {
  return value && /^[\x21-\x7e]+$/.test(value) ? value.slice(0, maxLength) : '-';
}

/** SD-NAME: printable ASCII except '=', ' ', ']', '"', at most 32 characters. */
const PLAIN_SD_NAME = /^[a-z_]{1,32}$/;
export function sdName(name: string): string {
  if (PLAIN_SD_NAME.test(name)) return name;
  const cleaned = name.replace(/[^\x21-\x7e]|[= \]"]/g, '_').slice(0, 32);
  return cleaned || '_';
}

/** PARAM-VALUE escaping (RFC 5424 §6.3.3): '"', '\' and ']' are escaped with a backslash. */
const NEEDS_ESCAPE = /["\\\]]/;
export function escapeParamValue(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(/["\\\]]/g, (c) => `\\${c}`) : value;
}

/**
 * RFC 5424 TIMESTAMP: RFC 3339 in UTC with milliseconds (TIME-SECFRAC at most 6 digits), as toISOString() writes it.
 * An export formats events in time order, so the "YYYY-MM-DDTHH:MM:" part is kept from the previous call and only
 * seconds and milliseconds are written (a Date and its ISO string per event showed in the export's profile).
 */
let minuteCached = Number.NaN;
let minutePrefix = '';
export function syslogTimestamp(timeMs: number): string {
  const minute = Math.floor(timeMs / 60_000);
  if (minute !== minuteCached || !Number.isFinite(timeMs) || timeMs < 0 || timeMs >= 253_402_300_800_000) {
    const iso = new Date(timeMs).toISOString();
    // Outside years 0000-9999 toISOString writes a signed six-digit year: no prefix to reuse.
    if (iso.length !== 24) return iso;
    minuteCached = minute;
    minutePrefix = iso.slice(0, 17);
  }
  const withinMinute = timeMs - minute * 60_000;
  const seconds = Math.floor(withinMinute / 1000);
  const millis = withinMinute - seconds * 1000;
  return `${minutePrefix}${seconds < 10 ? '0' : ''}${seconds}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

const BOM = '\uFEFF';

/** One RFC 5424 message (without framing). */
export function formatSyslog5424(message: SyslogMessage): string {
  const pri = message.facility * 8 + message.severity;
  let sd = message.structuredData.length === 0 ? '-' : '';
  for (const [id, params] of message.structuredData) {
    sd += `[${id}`;
    for (const key in params) sd += ` ${sdName(key)}="${escapeParamValue(params[key]!)}"`;
    sd += ']';
  }
  return `<${pri}>1 ${syslogTimestamp(message.timeMs)} ${headerField(message.hostname, 255)} ${headerField(message.appName, 48)} ${headerField(message.procId, 128)} ${headerField(message.msgId, 32)} ${sd} ${BOM}${message.message}`;
}

/** RFC 6587 §3.4.1 octet counting: MSG-LEN (in octets, not characters) SP SYSLOG-MSG, as text to send as UTF-8. */
export function octetCountedText(message: string): string {
  return `${Buffer.byteLength(message, 'utf8')} ${message}`;
}

/** The same frame as bytes. */
export function octetCountedFrame(message: string): Buffer {
  return Buffer.from(octetCountedText(message), 'utf8');
}
