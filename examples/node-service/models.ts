/**
 * Two small model servers on loopback for the example: the live model and a new one that is
 * slightly different (it rounds its score to 2 decimals and is a little slower).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ModelServer {
  url: string;
  close(): Promise<void>;
}

export type Features = { income: number; debt: number; age: number };

export function scoreV1({ income, debt, age }: Features): number {
  const z = -1.2 + 0.00003 * income - 0.00008 * debt + 0.01 * (age - 40);
  return 1 / (1 + Math.exp(-z));
}

export function scoreV2(features: Features): number {
  return Math.round(scoreV1(features) * 100) / 100;
}

export async function startModel(score: (features: Features) => number, delayMs: number): Promise<ModelServer> {
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk));
    request.on('end', () => {
      setTimeout(() => {
        const features = JSON.parse(body) as Features;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ score: score(features) }));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/predict`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
