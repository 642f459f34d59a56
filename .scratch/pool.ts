import { SiemConfigSchema } from '../collector/src/siem/config.ts';
import { startModuleWorker } from '../collector/src/threads/module-worker.ts';
const siem = SiemConfigSchema.parse({ sinks: [{ name: 'x', format: 'syslog', socket: { host: 'h', port: 1 } }] });
const w = startModuleWorker(new URL('../collector/src/siem/format-worker.ts', import.meta.url), { siem });
w.on('error', (e) => console.log('error', e));
w.on('exit', (c) => console.log('exit', c));
w.on('online', () => console.log('online'));
setTimeout(() => w.terminate(), 3000);
