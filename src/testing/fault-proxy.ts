import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';

/**
 * What the proxy does to traffic, switchable while it runs:
 * - `pass`: forwards both ways.
 * - `refuse`: closes the listener, so new connections are refused; open ones stay as they are.
 * - `reset`: destroys every open connection and every new one at once (the peer sees ECONNRESET).
 * - `blackhole`: accepts and reads, never forwards nor answers (a frozen peer or a dropped route);
 *   a connection that lost bytes this way is reset when the mode changes.
 * - `slow`: forwards each chunk after `delayMs`.
 */
export type FaultMode = 'pass' | 'refuse' | 'reset' | 'blackhole' | 'slow';

/** A TCP proxy on loopback between a client under test and a real server, for network faults. */
export type FaultProxy = {
  /** The port the proxy listens on (kept across `refuse` and back). */
  readonly port: number;
  /** `host:port` to give the client in place of the real server's. */
  readonly address: string;
  readonly mode: FaultMode;
  /** Switches mode; resolves once the listener is closed or reopened as the mode needs. */
  setMode(mode: FaultMode, options?: { delayMs?: number }): Promise<void>;
  /** How many client connections are open through the proxy now. */
  openConnections(): number;
  /** How many bytes the black hole has swallowed so far (to know a fault really hit). */
  droppedBytes(): number;
  close(): Promise<void>;
};

type Pair = { client: Socket; upstream: Socket; dropped: boolean };

/**
 * Starts a proxy on 127.0.0.1 in front of `target` (`port` 0 picks a free one). It keeps no library
 * between the two sockets, so what a fault does is exactly what the mode says.
 */
export async function startFaultProxy(options: {
  target: { host: string; port: number };
  port?: number;
}): Promise<FaultProxy> {
  const pairs = new Set<Pair>();
  let mode: FaultMode = 'pass';
  let delayMs = 0;
  let dropped = 0;
  let server: Server | undefined;

  const forward = (pair: Pair, from: Socket, to: Socket) => {
    from.on('data', (chunk) => {
      if (mode === 'blackhole') {
        pair.dropped = true;
        dropped += chunk.length;
        return;
      }
      if (mode === 'slow') {
        // Pausing keeps chunks in order: the next one is read only after this one is written.
        from.pause();
        setTimeout(() => {
          if (!to.destroyed) to.write(chunk);
          from.resume();
        }, delayMs);
        return;
      }
      if (!to.destroyed) to.write(chunk);
    });
  };

  const onConnection = (client: Socket) => {
    if (mode === 'reset') {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(options.target.port, options.target.host);
    const pair: Pair = { client, upstream, dropped: false };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      if (!client.destroyed) client.destroy();
      if (!upstream.destroyed) upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    forward(pair, client, upstream);
    forward(pair, upstream, client);
  };

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const next = createServer(onConnection);
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        server = next;
        resolve((next.address() as AddressInfo).port);
      });
    });

  const stopListening = () =>
    new Promise<void>((resolve) => {
      const current = server;
      server = undefined;
      if (!current) return resolve();
      current.close(() => resolve());
    });

  const port = await listen(options.port ?? 0);

  return {
    port,
    address: `127.0.0.1:${port}`,
    get mode() {
      return mode;
    },
    async setMode(next, modeOptions = {}) {
      mode = next;
      delayMs = modeOptions.delayMs ?? 0;
      if (next === 'refuse') return stopListening();
      for (const pair of [...pairs]) {
        // A connection that lost bytes to the black hole can never be in step again; a real peer
        // would time it out, so it is reset once the hole closes.
        if (next === 'reset' || (next !== 'blackhole' && pair.dropped)) {
          pair.client.resetAndDestroy();
          pair.upstream.destroy();
        }
      }
      if (!server) await listen(port);
    },
    openConnections: () => pairs.size,
    droppedBytes: () => dropped,
    async close() {
      mode = 'reset';
      for (const pair of [...pairs]) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      await stopListening();
    },
  };
}
