// A model server in its own process (so its work never competes with the client being measured, or with
// the other model). argv: <delayMs|hang>; prints its port on stdout. CORS-enabled with a cached preflight,
// as a cross-origin model API would be for a browser page.
import http from 'node:http';

const delay = process.argv[2] ?? '0';
const server = http.createServer((request, response) => {
  response.setHeader('access-control-allow-origin', '*');
  if (request.method === 'OPTIONS') {
    response.writeHead(204, { 'access-control-allow-headers': 'content-type, x-shadow-request', 'access-control-allow-methods': 'POST', 'access-control-max-age': '600' });
    response.end();
    return;
  }
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    if (delay === 'hang') return;
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ score: (body.length % 7) / 7 }));
    }, Number(delay));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('disconnect', () => process.exit(0));
