import type { SandboxContext } from '../core/context.ts';
import { messageValue } from '../webhooks/envelope.ts';
import type { CustomerState, NumberState } from '../world/types.ts';
import { contactOf } from './inbound.ts';

/** The customer stops (or resumes) marketing messages: `user_preferences` webhook; 131050 afterwards. */
export function setMarketingPreference(
  ctx: SandboxContext,
  o: { number: NumberState; customer: CustomerState; stop: boolean },
): void {
  o.customer.marketingStopped = o.stop;
  ctx.touch();
  const now = Math.floor(ctx.scheduler.now() / 1000);
  const pref: Record<string, unknown> = {
    wa_id: o.customer.waId,
    detail: o.stop
      ? 'User requested to stop marketing messages'
      : 'User requested to resume marketing messages',
    category: 'marketing_messages',
    value: o.stop ? 'stop' : 'resume',
    timestamp: now,
  };
  if (o.customer.bsuid) pref.user_id = o.customer.bsuid;
  ctx.emit({
    wabaId: o.number.wabaId,
    field: 'user_preferences',
    phoneNumberId: o.number.phoneNumberId,
    time: null,
    value: messageValue(o.number, { contacts: [contactOf(o.customer)], user_preferences: [pref] }),
  });
}
