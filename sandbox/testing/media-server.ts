import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local web server for media `link`s in tests (the sandbox fetches links as Meta does):
 * `GET /file.<ext>?type=<mime>` answers a few bytes with that content type, `GET /status/<code>`
 * answers that HTTP status. `url(path)` gives the full link.
 */
export async function startMediaServer(): Promise<{
  url: (path: string) => string;
  requests: string[];
  close: () => Promise<void>;
}> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    requests.push(u.pathname);
    const status = /^\/status\/(\d{3})$/.exec(u.pathname);
    if (status) {
      res.writeHead(Number(status[1]), { 'content-type': 'text/plain' }).end('no');
      return;
    }
    const type = u.searchParams.get('type') ?? 'application/octet-stream';
    res.writeHead(200, { 'content-type': type }).end(Buffer.from('sandbox test media'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (path) => `${base}${path}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
