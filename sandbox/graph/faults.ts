import type { FastifyInstance } from 'fastify';
import { controlOriginGuard } from '../control/origin-guard.ts';
import type { SandboxContext } from '../core/context.ts';
import { GraphError } from './errors.ts';
import { isObj } from './validate-send.ts';

/**
 * Faults of the Graph API itself, for the hub's "outcome unknown" paths: the next `times` calls of
 * an edge are applied as usual, then answered late (`slow`: after `delayMs`, past the client's
 * timeout) or with a 500 (`error_500`) — the request was taken, the answer lost, as with Meta.
 * `rate_limited` refuses the call before applying it (code 4, the app's request limit): a definite no.
 */
export type GraphFault = {
  edge: 'smb_app_data';
  kind: 'slow' | 'error_500' | 'rate_limited';
  times: number;
  delayMs: number;
};

const faults = new WeakMap<SandboxContext, GraphFault[]>();

/** Takes the next fault armed for `edge`, if any. */
export function takeGraphFault(ctx: SandboxContext, edge: GraphFault['edge']): GraphFault | null {
  const list = faults.get(ctx) ?? [];
  const fault = list.find((f) => f.edge === edge && f.times > 0);
  if (!fault) return null;
  fault.times--;
  return fault;
}

/** Refuses a call before it is applied, when the fault says so. */
export function refuseIfFaulted(fault: GraphFault | null): void {
  if (fault?.kind === 'rate_limited') {
    throw new GraphError(4, {
      message: '(#4) Application request limit reached',
      http: 400,
      prefix: false,
      errorData: false,
    });
  }
}

/** Answers a call the fault hit, after the request was applied. */
export async function answerFaulted(fault: GraphFault, answer: unknown): Promise<unknown> {
  if (fault.kind === 'error_500') {
    throw new GraphError(2, {
      message: 'Service temporarily unavailable',
      http: 500,
      prefix: false,
      errorData: false,
    });
  }
  await new Promise((resolve) => setTimeout(resolve, fault.delayMs).unref());
  return answer;
}

/** `POST /_sandbox/graph-faults { edge: 'smb_app_data', kind, times?, delayMs? }`; `DELETE` clears them. */
export function graphFaultRoutes(ctx: SandboxContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.addHook('onRequest', controlOriginGuard(ctx.options.host));
    app.post('/_sandbox/graph-faults', async (req) => {
      const b = isObj(req.body) ? req.body : {};
      if (b.edge !== 'smb_app_data') throw new GraphError(100, { details: 'edge must be smb_app_data.' });
      if (b.kind !== 'slow' && b.kind !== 'error_500' && b.kind !== 'rate_limited') {
        throw new GraphError(100, { details: 'kind must be slow, error_500 or rate_limited.' });
      }
      const fault: GraphFault = {
        edge: b.edge,
        kind: b.kind,
        times: typeof b.times === 'number' ? b.times : 1,
        delayMs: typeof b.delayMs === 'number' ? b.delayMs : 3000,
      };
      faults.set(ctx, [...(faults.get(ctx) ?? []), fault]);
      return fault;
    });
    app.delete('/_sandbox/graph-faults', async () => {
      faults.set(ctx, []);
      return { cleared: true };
    });
  };
}
