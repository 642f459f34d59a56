// The mail server measured against by bench:alerts, in its own process like a real one: smtp-server accepting
// every message and reporting (to stdout, one JSON line each) when it accepted it, its Subject and Message-ID.
import { SMTPServer } from 'smtp-server';

const header = (head: string, name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';

const server = new SMTPServer({
  secure: false, hideSTARTTLS: true, authOptional: true, disableReverseLookup: true, logger: false, closeTimeout: 200,
  onData: (stream, _session, callback) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
      process.stdout.write(`${JSON.stringify({ acceptedMs: Date.now(), subject: header(head, 'Subject'), messageId: header(head, 'Message-ID') })}\n`);
      callback(null, 'queued');
    });
  },
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: (server.server.address() as { port: number }).port })}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
