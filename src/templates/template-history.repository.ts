import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { Actor, EventPayloads } from '../platform/events/catalogue.ts';
import { recordEvent } from '../platform/events/record-event.ts';

type Action = EventPayloads['template.changed']['action'];

/**
 * Records one change of a template in `trx`: a `template_history` row (kept for the library's
 * history) and the `template.changed` event (who, when, what). `actor` null is Meta (a webhook or
 * the sync).
 */
export async function recordTemplateChange(
  trx: Kysely<DB>,
  input: {
    template: { id: string; waba_id: string; name: string; language: string };
    action: Action;
    actor: Actor | null;
    from?: string | null;
    to?: string | null;
    details?: Record<string, unknown>;
    at: number;
  },
): Promise<void> {
  const { template: t } = input;
  const actor = input.actor ?? { kind: 'system' as const, id: null };
  await trx
    .insertInto('template_history')
    .values({
      template_id: t.id,
      waba_id: t.waba_id,
      name: t.name,
      language: t.language,
      action: input.action,
      actor_kind: actor.kind,
      actor_id: actor.id,
      details_json: JSON.stringify({
        from: input.from ?? null,
        to: input.to ?? null,
        ...(input.details ?? {}),
      }),
      at: input.at,
    })
    .execute();
  await recordEvent(
    trx,
    {
      type: 'template.changed',
      phoneNumberId: null,
      payload: {
        template_id: t.id,
        name: t.name,
        language: t.language,
        action: input.action,
        from: input.from ?? null,
        to: input.to ?? null,
        actor,
      },
    },
    input.at,
  );
}
