import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../core/context.ts';
import { syncAllContacts } from '../phone/contacts.ts';
import { declineHistory, shareHistory } from '../phone/history.ts';
import { DAY_MS } from '../world/world.ts';
import { GraphError } from './errors.ts';
import { answerFaulted, refuseIfFaulted, takeGraphFault } from './faults.ts';
import { unknownNode } from './server.ts';
import { isObj } from './validate-send.ts';

/**
 * `POST /{phone-number-id}/smb_app_data`: the one-time contacts and history sync requests of a
 * coexistence onboarding. Once per sync type (2593107), within 24 h of onboarding (2593108).
 */
export function smbAppDataRoutes(ctx: SandboxContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post('/:version/:id/smb_app_data', async (req) => {
      const { id } = req.params as { id: string };
      const number = ctx.world.numbers[id];
      if (!number) throw unknownNode(id, 'post');
      const body = isObj(req.body) ? req.body : {};
      if (body.messaging_product !== 'whatsapp') {
        throw new GraphError(100, {
          message: 'The parameter messaging_product is required.',
          details: 'The parameter messaging_product is required.',
        });
      }
      const syncType = body.sync_type;
      if (syncType !== 'smb_app_state_sync' && syncType !== 'history') {
        throw new GraphError(100, {
          details: 'Param sync_type must be one of {smb_app_state_sync, history}.',
        });
      }
      if (!number.coexistence)
        throw new GraphError(100, { details: 'This phone number is not on the WhatsApp Business app.' });
      if (!number.connected) throw new GraphError(133010);
      const fault = takeGraphFault(ctx, 'smb_app_data');
      refuseIfFaulted(fault);
      const now = ctx.scheduler.now();
      const requestedAt =
        syncType === 'history' ? number.historySyncRequestedAt : number.contactsSyncRequestedAt;
      if (requestedAt !== null) throw new GraphError(2593107);
      if (now - number.onboardedAt > DAY_MS) throw new GraphError(2593108);
      if (syncType === 'history') {
        number.historySyncRequestedAt = now;
        if (number.historySharing === 'decline') declineHistory(ctx, number);
        else shareHistory(ctx, number);
      } else {
        number.contactsSyncRequestedAt = now;
        syncAllContacts(ctx, number);
      }
      ctx.touch();
      const answer = { messaging_product: 'whatsapp', request_id: ctx.ids.hex(16) };
      return fault ? answerFaulted(fault, answer) : answer;
    });
  };
}
