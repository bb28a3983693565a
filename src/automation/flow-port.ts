import type { Kysely } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import type { DB } from '../database.ts';

/**
 * The port between the automation engine and the flows (`automation/flows/`): the engine calls
 * flows only through this registry, so it works (rules, routing, handoff) whether or not flows are
 * loaded, and flows never import the engine's dispatch. `automation/flows/runner.ts` registers its
 * implementation with {@link registerFlowPort} when it is imported (the hub imports it).
 *
 * Both calls run inside the engine's transaction (`trx`) and must send only through
 * `sendAutomated(deps, trx, { origin: 'bot', … })` (`automated-send.ts`).
 */
export type FlowTrigger =
  | { readonly kind: 'rule'; readonly ruleId: string }
  | { readonly kind: 'new_conversation' }
  | { readonly kind: 'api'; readonly actor: string | null };

export type FlowDeps = AppDeps;

export type FlowPort = {
  /**
   * A live customer message in a conversation that is inside a flow run (or may start one: the
   * number's entry flow). Returns true when the flow handled it (the engine's rules that send do
   * not answer it as well).
   */
  onCustomerMessage(
    deps: FlowDeps,
    trx: Kysely<DB>,
    input: {
      readonly conversationId: string;
      readonly messageId: string;
      /** The customer message as the engine read it (saves reading it again). */
      readonly message?: {
        readonly type: string;
        readonly contentJson: string;
        readonly phoneNumberId: string;
      };
    },
  ): Promise<boolean>;
  /**
   * Optional: reads ahead, in the engine's transaction, what `onCustomerMessage` reads first for
   * these conversations (their running sessions), so that a batch of customer messages costs one
   * query instead of one each. Only conversations nothing earlier in the transaction changed.
   */
  prepare?(trx: Kysely<DB>, conversationIds: readonly string[]): Promise<void>;
  /** Starts a flow in a conversation (a rule's "start a flow" action). Returns the run id. */
  startFlow(
    deps: FlowDeps,
    trx: Kysely<DB>,
    input: { readonly conversationId: string; readonly flowId: string; readonly trigger: FlowTrigger },
  ): Promise<string | null>;
};

let registered: FlowPort | null = null;

/** Flows register themselves here (once, at import). A second registration replaces the first. */
export function registerFlowPort(port: FlowPort): void {
  registered = port;
}

/** The registered flows, or null when none are loaded. */
export function flowPort(): FlowPort | null {
  return registered;
}
