import type { FastifyReply, FastifyRequest } from 'fastify';

/** Names the sandbox answers its control API under, whatever the port: loopback, plus its own host. */
function allowedHostnames(listenHost: string): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
  if (listenHost !== '0.0.0.0' && listenHost !== '::') {
    names.add(listenHost.includes(':') && !listenHost.startsWith('[') ? `[${listenHost}]` : listenHost);
  }
  for (const extra of (process.env.SANDBOX_ALLOWED_HOSTS ?? '').split(',')) {
    if (extra.trim() !== '') names.add(extra.trim().toLowerCase());
  }
  return names;
}

/** `example.com:4000` → `example.com`; `[::1]:4000` → `[::1]`. */
function hostnameOf(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

/**
 * Guards the control API and its page (`/_sandbox/…`) against other web pages: while `npm start`
 * runs, any site the developer opens could otherwise drive it (a simple cross-origin POST, or DNS
 * rebinding). A request is refused with 403 when its `Host` is not a loopback name or the
 * sandbox's own host (`SANDBOX_ALLOWED_HOSTS` adds names), when it carries an `Origin` other
 * than its own, or when the browser says it is cross-site (`Sec-Fetch-Site`) and it is not a
 * link followed to a page. Programs (the hub,
 * tests, curl) send no `Origin` and pass; the sandbox's own page is same-origin and passes.
 */
export function controlOriginGuard(listenHost: string) {
  const allowed = allowedHostnames(listenHost);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const host = request.headers.host ?? '';
    const refuse = (reason: string) =>
      reply
        .code(403)
        .type('application/json')
        .send({
          error: {
            message: `The sandbox control API refuses this request: ${reason}`,
            code: 403,
            type: 'Forbidden',
          },
        });
    if (!allowed.has(hostnameOf(host))) return refuse(`Host ${JSON.stringify(host)} is not allowed.`);
    const origin = request.headers.origin;
    if (origin !== undefined) {
      let originHost: string | null = null;
      try {
        originHost = new URL(origin).host.toLowerCase();
      } catch {
        originHost = null;
      }
      if (originHost !== host.toLowerCase()) return refuse(`cross-origin request from ${origin}.`);
      return;
    }
    const site = request.headers['sec-fetch-site'];
    // Following a link to the page (from the hub's inbox, say) is fine: a GET navigation changes
    // nothing and its answer goes to the sandbox's own tab, never to the page that linked.
    const navigation = request.method === 'GET' && request.headers['sec-fetch-mode'] === 'navigate';
    if ((site === 'cross-site' || site === 'same-site') && !navigation) return refuse('cross-site request.');
  };
}
