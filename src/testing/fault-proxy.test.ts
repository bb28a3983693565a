import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from './fault-proxy.ts';

let echo: Server;
let received: string;
let proxy: FaultProxy;
const clients: Socket[] = [];

beforeEach(async () => {
  received = '';
  echo = createServer((socket) => {
    socket.on('data', (chunk) => {
      received += chunk.toString();
      socket.write(chunk);
    });
    socket.on('error', () => {});
  });
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
  proxy = await startFaultProxy({
    target: { host: '127.0.0.1', port: (echo.address() as AddressInfo).port },
  });
});

afterEach(async () => {
  for (const client of clients) client.destroy();
  await proxy.close();
  echo.close();
});

async function open(): Promise<Socket> {
  const socket = connect(proxy.port, '127.0.0.1');
  clients.push(socket);
  await once(socket, 'connect');
  return socket;
}

async function roundTrip(socket: Socket, text: string): Promise<string> {
  let answer = '';
  socket.write(text);
  while (answer.length < text.length) answer += (await once(socket, 'data'))[0].toString();
  return answer;
}

/** Resolves with the error or close a socket ends with. */
function ending(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    socket.once('close', () => resolve('close'));
  });
}

describe('fault proxy', () => {
  it('passes bytes both ways', async () => {
    const socket = await open();
    expect(await roundTrip(socket, 'hello')).toBe('hello');
    expect(proxy.openConnections()).toBe(1);
  });

  it('refuses new connections and accepts them again on the same port after pass', async () => {
    await proxy.setMode('refuse');
    const refused = connect(proxy.port, '127.0.0.1');
    expect(await ending(refused)).toBe('ECONNREFUSED');
    await proxy.setMode('pass');
    expect(await roundTrip(await open(), 'back')).toBe('back');
  });

  it('resets open connections and every new one', async () => {
    const socket = await open();
    const ended = ending(socket);
    await proxy.setMode('reset');
    expect(await ended).toBe('ECONNRESET');
    const next = connect(proxy.port, '127.0.0.1');
    clients.push(next);
    expect(await ending(next)).toMatch(/ECONNRESET|close/);
  });

  it('swallows bytes in a black hole and resets the connection that lost them when it closes', async () => {
    const socket = await open();
    await proxy.setMode('blackhole');
    socket.write('lost');
    while (proxy.droppedBytes() < 4) await new Promise((resolve) => setImmediate(resolve));
    const ended = ending(socket);
    await proxy.setMode('pass');
    expect(await ended).toBe('ECONNRESET');
    expect(await roundTrip(await open(), 'fresh')).toBe('fresh');
    expect(received).toBe('fresh');
  });

  it('delays each chunk in slow mode and keeps them in order', async () => {
    await proxy.setMode('slow', { delayMs: 40 });
    const socket = await open();
    const started = performance.now();
    expect(await roundTrip(socket, 'abc')).toBe('abc');
    // Each direction waits at least the delay once; timers never fire early by more than a tick.
    expect(performance.now() - started).toBeGreaterThanOrEqual(79);
  });
});
