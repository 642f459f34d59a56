// The web site bench:upload uploads to, in its own process like a real (remote) one: HTTPS with the lab's
// certificate, every POST answered 200 once its body has arrived (counted, not kept). Prints JSON lines to stdout:
// first `{port}`, then one `{path, bytes}` per upload received. Arguments: key file, certificate file.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';

const [keyFile, certFile] = process.argv.slice(2);
const server = createServer({ key: readFileSync(keyFile!), cert: readFileSync(certFile!) }, (request, response) => {
  let bytes = 0;
  request.on('data', (chunk: Buffer) => { bytes += chunk.length; });
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'text/plain', 'access-control-allow-origin': '*' });
    response.end('stored');
    if (request.method === 'POST') process.stdout.write(`${JSON.stringify({ path: request.url, bytes })}\n`);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
