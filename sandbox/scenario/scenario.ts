import { parse as parseYaml } from 'yaml';
import type { SandboxContext } from '../core/context.ts';
import { customerSends, requireCustomer, requireNumber } from '../customers/inbound.ts';
import { setMarketingPreference } from '../customers/preferences.ts';
import { customerReads } from '../customers/read.ts';
import { startTraffic, type TrafficOptions } from '../customers/traffic.ts';
import { GraphError } from '../graph/errors.ts';
import { setTemplateStatus } from '../graph/templates.routes.ts';
import { isObj } from '../graph/validate-send.ts';
import { removePhoneContact, upsertPhoneContact } from '../phone/contacts.ts';
import { ownerSends } from '../phone/echo.ts';
import { appOpened, disconnect, offboard, reconnect } from '../phone/lifecycle.ts';
import { addCustomer } from '../world/world.ts';

type Obj = Record<string, unknown>;

/**
 * A scenario scripts a world and its conversations (JSON or YAML):
 *
 * ```yaml
 * customers: [{ waId: '16505551234', name: Ana }]
 * contacts: [{ phoneNumber: '16505551234', fullName: Ana Lima }]
 * steps:
 *   - customer: '16505551234'      # the customer sends a text …
 *     text: Hi, is the shop open?
 *   - wait: 2000                   # … sandbox ms (manual clock: advance; real clock: sleep)
 *   - owner: '16505551234'         # the owner answers from the phone (echo)
 *     text: Yes, until 6pm
 *   - customer: '16505551234'      # any inbound type with `send`
 *     send: { type: image, image: { caption: Our receipt } }
 *   - read: '16505551234'
 *   - marketing: { waId: '16505551234', stop: true }
 *   - contact: { phoneNumber: '16505550001', fullName: Bea }
 *   - removeContact: '16505550001'
 *   - historySharing: false
 *   - openApp: true
 *   - offboard: true | reconnect: true | disconnect: { reason: PRIMARY_INACTIVITY }
 *   - templateStatus: { name: hello_world, status: PAUSED }
 *   - traffic: { customers: 10, ratePerSec: 2, total: 50 }
 * ```
 */
export interface Scenario {
  phoneNumberId?: string;
  customers?: { waId: string; name: string; bsuid?: string; onWhatsApp?: boolean }[];
  contacts?: { phoneNumber: string; fullName: string; firstName?: string }[];
  steps?: Obj[];
}

export function parseScenario(input: string | Obj): Scenario {
  const data = typeof input === 'string' ? (parseYaml(input) as unknown) : input;
  if (!isObj(data)) throw new GraphError(100, { details: 'A scenario must be an object.' });
  if (data.steps !== undefined && !Array.isArray(data.steps))
    throw new GraphError(100, { details: 'steps must be a list.' });
  return data as Scenario;
}

/** Runs a scenario step by step; returns the ids of the messages it created. */
export async function runScenario(
  ctx: SandboxContext,
  scenario: Scenario,
): Promise<{ steps: number; messages: string[] }> {
  const pnid = scenario.phoneNumberId;
  const number = requireNumber(ctx, pnid);
  for (const c of scenario.customers ?? []) addCustomer(ctx.world, c);
  for (const c of scenario.contacts ?? []) upsertPhoneContact(ctx, number, c);
  const messages: string[] = [];
  let n = 0;
  for (const step of scenario.steps ?? []) {
    n++;
    if (!isObj(step)) throw new GraphError(100, { details: `step ${n} must be an object` });
    const message = (): { type: string } & Obj =>
      isObj(step.send)
        ? ({ type: 'text', ...step.send } as { type: string } & Obj)
        : { type: 'text', text: { body: String(step.text ?? '') } };
    if (typeof step.customer === 'string') {
      messages.push(
        customerSends(ctx, { phoneNumberId: number.phoneNumberId, waId: step.customer, message: message() })
          .id,
      );
    } else if (typeof step.owner === 'string') {
      messages.push(
        ownerSends(ctx, { phoneNumberId: number.phoneNumberId, to: step.owner, message: message() }).id,
      );
    } else if (typeof step.wait === 'number') {
      if (ctx.scheduler.mode === 'manual') await ctx.scheduler.advance(step.wait);
      else await new Promise((r) => setTimeout(r, step.wait as number));
    } else if (typeof step.read === 'string') {
      customerReads(ctx, { phoneNumberId: number.phoneNumberId, waId: step.read });
    } else if (isObj(step.marketing)) {
      const customer = requireCustomer(ctx, String(step.marketing.waId));
      setMarketingPreference(ctx, { number, customer, stop: step.marketing.stop !== false });
    } else if (isObj(step.contact)) {
      upsertPhoneContact(ctx, number, step.contact as { phoneNumber: string; fullName: string });
    } else if (typeof step.removeContact === 'string') {
      removePhoneContact(ctx, number, step.removeContact);
    } else if (typeof step.historySharing === 'boolean') {
      number.historySharing = step.historySharing ? 'accept' : 'decline';
    } else if (step.openApp) {
      appOpened(ctx, number);
    } else if (step.offboard) {
      offboard(ctx, number);
    } else if (step.reconnect) {
      reconnect(ctx, number);
    } else if (step.disconnect) {
      const d = isObj(step.disconnect) ? step.disconnect : {};
      disconnect(ctx, number, {
        reason: String(d.reason ?? 'ACCOUNT_DISCONNECTED'),
        initiatedBy: d.initiatedBy === 'SYSTEM' ? 'SYSTEM' : 'USER',
      });
    } else if (isObj(step.templateStatus)) {
      const ts = step.templateStatus;
      const t = Object.values(ctx.world.templates).find(
        (x) => x.name === ts.name && x.wabaId === number.wabaId,
      );
      if (!t) throw new GraphError(100, { details: `step ${n}: no template ${String(ts.name)}` });
      setTemplateStatus(ctx, t, String(ts.status).toUpperCase());
    } else if (isObj(step.traffic)) {
      startTraffic(ctx, { phoneNumberId: number.phoneNumberId, ...(step.traffic as TrafficOptions) });
    } else {
      throw new GraphError(100, { details: `step ${n}: unknown step ${JSON.stringify(step)}` });
    }
  }
  ctx.touch();
  return { steps: n, messages };
}
