/** Starts model servers as child processes on loopback and stops them with the benchmark. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./model-server.mjs', import.meta.url));

export interface ChildServer {
  url: string;
  stop(): void;
}

export async function startModelServer(delay: number | 'hang'): Promise<ChildServer> {
  const child: ChildProcess = fork(script, [String(delay)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once('error', reject);
  });
  return { url: `http://127.0.0.1:${port}/predict`, stop: () => child.kill() };
}
