import { syslogTimestamp } from '../collector/src/siem/syslog-5424.ts';
let bad = 0;
const samples = [0, 1, 999, 1000, 59_999, 60_000, Date.UTC(2026, 10, 1, 23, 59, 59, 999), Date.UTC(2026, 10, 2), -1, -60_001, 253_402_300_799_999, 253_402_300_800_000, 8.64e15];
for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2026, 0, 1) + 5_000_000; t += 137) samples.push(t);
for (const t of samples) if (syslogTimestamp(t) !== new Date(t).toISOString()) { bad++; console.log(t, syslogTimestamp(t), new Date(t).toISOString()); }
console.log('mismatches', bad, 'of', samples.length);
