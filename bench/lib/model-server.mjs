// A model server in its own process (so its work never competes with the client being measured on the
// same event loop). argv: <delayMs>; prints its port on stdout. Delay 'hang' never answers.
import http from 'node:http';

const delay = process.argv[2] ?? '0';
const server = http.createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    if (delay === 'hang') return;
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ score: body.length % 7 / 7 }));
    }, Number(delay));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('disconnect', () => process.exit(0));
