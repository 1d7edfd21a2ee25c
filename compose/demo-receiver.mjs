// A downstream endpoint for `docker compose up`: accepts every event and prints it.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 8090);
createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => {
    body += chunk;
  });
  req.on('end', () => {
    console.log(`${new Date().toISOString()} ${req.method} ${req.url} ${req.headers['idempotency-key'] ?? ''} ${body}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
}).listen(port, '0.0.0.0', () => console.log(`demo receiver listening on :${port}`));
process.on('SIGTERM', () => process.exit(0));
