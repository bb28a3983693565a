import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from './core/context.ts';
import { startTraffic, stopTraffic, type TrafficOptions, trafficState } from './customers/traffic.ts';
import { isObj } from './graph/validate-send.ts';
import { parseScenario, runScenario } from './scenario/scenario.ts';
import { UI_HTML } from './ui/page.ts';

/** Control add-ons: traffic generator, scenarios and the web UI. */
export async function registerAddons(ctx: SandboxContext, app: FastifyInstance): Promise<void> {
  app.get('/_sandbox/ui', async (_req, reply) => reply.type('text/html; charset=utf-8').send(UI_HTML));
  app.get('/_sandbox', async (_req, reply) => reply.redirect('/_sandbox/ui'));
  app.get('/_sandbox/traffic', async () => trafficState(ctx));
  app.post('/_sandbox/traffic', async (req) =>
    startTraffic(ctx, (isObj(req.body) ? req.body : {}) as TrafficOptions),
  );
  app.delete('/_sandbox/traffic', async () => stopTraffic(ctx));
  app.post('/_sandbox/scenario', async (req) => {
    const body = isObj(req.body) ? req.body : {};
    return runScenario(ctx, parseScenario(typeof body.yaml === 'string' ? body.yaml : body));
  });
}
