import type { FastifyInstance } from 'fastify';

/** What the control routes need from the sandbox instance itself (callback, configuration, add-ons). */
export interface ControlExtras {
  setCallback(url: string, verifyToken?: string): Promise<{ url: string; verified: boolean }>;
  config(): Record<string, unknown>;
  configure(patch: Record<string, unknown>): Record<string, unknown>;
  /** Registers further control routes (traffic, scenarios, UI). */
  register(app: FastifyInstance): Promise<void>;
}
