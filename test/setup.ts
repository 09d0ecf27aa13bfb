/**
 * Runs before every node test file. Guards the rule that no test touches any address but loopback:
 * every TCP connect has its resolved address checked, and a non-loopback one fails the connection
 * loudly. (It checks the resolved address, not the hostname, because msw 3 intercepts at the socket
 * level by resolving every host to 127.0.0.1 itself.)
 */
import dns from 'node:dns';
import net from 'node:net';

const isLoopback = (address: string) => address === '::1' || address.startsWith('127.') || address === '::ffff:127.0.0.1';

type Lookup = NonNullable<net.TcpNetConnectOpts['lookup']>;

function guardedLookup(original: Lookup | undefined): Lookup {
  const lookup = (original ?? dns.lookup) as (...args: unknown[]) => void;
  return ((hostname: string, options: unknown, callback: (...result: unknown[]) => void) => {
    lookup(hostname, options, (error: unknown, address: unknown, family: unknown) => {
      const addresses = Array.isArray(address) ? (address as { address: string }[]).map((a) => a.address) : [address as string];
      const outside = addresses.find((a) => typeof a === 'string' && !isLoopback(a));
      if (!error && outside) {
        callback(new Error(`Test tried to connect to ${hostname} (${outside}): tests may only touch loopback (127.0.0.1).`));
        return;
      }
      callback(error, address, family);
    });
  }) as Lookup;
}

const originalConnect = net.Socket.prototype.connect as (...args: unknown[]) => net.Socket;

net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]): net.Socket {
  let list = args;
  if (Array.isArray(args[0])) list = args[0] as unknown[]; // Node's own normalized [options, callback] form
  let options = list[0];
  if (typeof options === 'number' || (typeof options === 'string' && /^\d+$/.test(options))) {
    options = { port: Number(options), host: typeof list[1] === 'string' ? list[1] : 'localhost' };
    const callback = list.find((item) => typeof item === 'function');
    return guardedConnect.call(this, options, ...(callback ? [callback] : []));
  }
  if (typeof options === 'object' && options !== null && !('path' in options && (options as { path?: string }).path)) {
    const tcp = options as net.TcpNetConnectOpts;
    const host = tcp.host ?? 'localhost';
    if (net.isIP(host) && !isLoopback(host)) {
      throw new Error(`Test tried to connect to ${host}: tests may only touch loopback (127.0.0.1).`);
    }
    if (!net.isIP(host)) tcp.lookup = guardedLookup(tcp.lookup);
  }
  return originalConnect.apply(this, args);
} as typeof net.Socket.prototype.connect;
