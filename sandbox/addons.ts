import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from './core/context.ts';

/** Control add-ons: traffic generator, scenarios and the web UI. */
export async function registerAddons(_ctx: SandboxContext, _app: FastifyInstance): Promise<void> {}
