import { z } from 'zod';
import type { AppDeps } from '../../app-deps.ts';
import { notifyEnqueued } from '../../outbound/enqueue-send.ts';
import { masterKeyringOf } from '../../platform/crypto/keyring.ts';
import { openSecret } from '../../platform/crypto/secrets.ts';
import { withEvents } from '../../platform/events/with-events.ts';
import { defineJob, type JobContext } from '../../platform/jobs/job.ts';
import { runAiStep } from '../ai/ai-step.ts';
import { findFlow, loadVersion, positionOf } from './flow.repository.ts';
import { runHttpStep } from './http-step.ts';
import type { FlowInput } from './interpreter.ts';
import { renderDeep, renderText } from './interpreter.ts';

/**
 * Runs the outside call of a flow's HTTP or AI step, outside any transaction, then feeds the result
 * back to the session in a transaction of its own (`runner.step`). A session that moved on (a human
 * took over and a new flow started, the conversation was resolved) is left alone.
 */
export const flowCallJob = defineJob({
  id: 'automation.flow-call',
  schema: z.object({ sessionId: z.string(), stepId: z.string() }),
  retry: { attempts: 2, backoffMs: 2_000 },
  async handler(payload, { deps }: JobContext<AppDeps>) {
    const db = deps.database.db;
    const session = await db
      .selectFrom('flow_sessions')
      .selectAll()
      .where('id', '=', payload.sessionId)
      .executeTakeFirst();
    if (session?.status !== 'active' || session.waiting !== 'call' || session.step_id !== payload.stepId)
      return;
    const definition = await loadVersion(db, session.flow_id, session.version);
    const stepDef = definition.steps.find((s) => s.id === payload.stepId);
    if (!stepDef || (stepDef.type !== 'http' && stepDef.type !== 'ai')) return;
    // Imported here, not at the top: runner.ts imports this job (to enqueue it).
    const { contactOf, step } = await import('./runner.ts');
    const contact = await contactOf(db, session.conversation_id);
    const position = positionOf(session);
    const policy = { allow: deps.config.webhookEgressAllow };
    let input: FlowInput;
    if (stepDef.type === 'http') {
      const flow = await findFlow(db, session.flow_id);
      if (!flow) return;
      const secret = await openSecret(
        db,
        masterKeyringOf(deps.config),
        `flow-signing:${flow.id}`,
        flow.signing_secret,
      );
      const body =
        stepDef.body !== undefined
          ? renderDeep(stepDef.body, position.state, contact)
          : {
              conversation_id: session.conversation_id,
              flow_id: session.flow_id,
              step_id: stepDef.id,
              contact: { name: contact.name, phone: contact.phone },
              answers: position.state.answers,
              vars: position.state.vars,
            };
      const result = await runHttpStep({
        step: stepDef,
        url: renderText(stepDef.url, position.state, contact),
        body,
        secret,
        policy,
        nowSeconds: Math.floor(deps.clock.now() / 1000),
      });
      input = result.ok
        ? { kind: 'call_result', ok: true, values: result.values }
        : { kind: 'call_result', ok: false, error: result.error };
    } else {
      const result = await runAiStep(deps, {
        phoneNumberId: contact.phoneNumberId,
        conversationId: session.conversation_id,
        step: stepDef,
        question: position.state.message ?? '',
      });
      input = result.ok
        ? { kind: 'call_result', ok: true, reply: result.reply }
        : { kind: 'call_result', ok: false, error: result.error };
    }
    await withEvents(deps, async (trx, hooks) => {
      // Still waiting on this step? (A second node or a rerun may have fed it already.)
      const again = await trx
        .selectFrom('flow_sessions')
        .select(['status', 'waiting', 'step_id'])
        .where('id', '=', session.id)
        .executeTakeFirst();
      if (again?.status !== 'active' || again.waiting !== 'call' || again.step_id !== payload.stepId) return;
      await step(deps, trx, session.id, input);
      hooks.afterCommit(() => notifyEnqueued(deps, [contact.phoneNumberId]));
    });
  },
});
