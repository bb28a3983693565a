import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { isHubWide, principalOf } from '../auth/principal.ts';
import { AppError } from '../platform/errors.ts';
import { errorResponses } from '../platform/http/api-schemas.ts';
import { parseJsonOr } from '../platform/json.ts';
import { ZCostsRequest, ZCostsResponse, ZRateCardResponse, ZSetRateCardRequest } from './costs.schemas.ts';
import { actualCost, invalidateRateCard, loadRateCard, normalizeCategory } from './rate-card.ts';

const DAY = 24 * 60 * 60 * 1000;

function parseTime(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new AppError('VALIDATION_FAILED', `Not a date: ${value}`);
  return ms;
}

type Bucket = {
  phone_number_id: string;
  day: string;
  category: string;
  messages: number;
  estimated_micros: number;
  actual_micros: number;
  priced_messages: number;
};

/**
 * `GET /api/costs?from&to&phone_number_id`: estimated (at send time, from the rate card) and actual
 * (from the `pricing` of status webhooks) costs by number, category and UTC day. `PUT
 * /api/costs/rate-card` overrides prices.
 */
export function costsRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/costs',
      {
        schema: {
          querystring: ZCostsRequest,
          response: { 200: ZCostsResponse, ...errorResponses },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const now = deps.clock.now();
        const to = parseTime(request.query.to, now);
        const from = parseTime(request.query.from, to - 30 * DAY);
        const card = await loadRateCard({ db: deps.database.db, dataDir: deps.config.dataDir, now });
        let q = deps.database.db
          .selectFrom('outbound_costs as c')
          .innerJoin('messages as m', 'm.id', 'c.message_id')
          .innerJoin('phone_numbers as p', 'p.id', 'c.phone_number_id')
          .select([
            'c.phone_number_id',
            'c.created_at',
            'c.category',
            'c.country_code',
            'c.estimated_micros',
            'm.pricing_json',
            'm.status',
          ])
          .where('c.created_at', '>=', from)
          .where('c.created_at', '<', to);
        if (request.query.phone_number_id)
          q = q.where('c.phone_number_id', '=', request.query.phone_number_id);
        if (principal.wabaIds !== null) q = q.where('p.waba_id', 'in', [...principal.wabaIds, '']);
        const rows = await q.execute();
        const buckets = new Map<string, Bucket>();
        let estimated = 0;
        let actual = 0;
        for (const r of rows) {
          if (r.status === 'failed') continue;
          const pricing = parseJsonOr<Record<string, unknown> | null>(r.pricing_json, null);
          const act = pricing ? actualCost(card, pricing, r.country_code) : null;
          const category = act && act.category !== 'unknown' ? act.category : normalizeCategory(r.category);
          const day = new Date(r.created_at).toISOString().slice(0, 10);
          const key = `${r.phone_number_id}|${day}|${category}`;
          const b = buckets.get(key) ?? {
            phone_number_id: r.phone_number_id,
            day,
            category,
            messages: 0,
            estimated_micros: 0,
            actual_micros: 0,
            priced_messages: 0,
          };
          b.messages++;
          b.estimated_micros += r.estimated_micros;
          estimated += r.estimated_micros;
          if (act) {
            b.actual_micros += act.micros;
            b.priced_messages++;
            actual += act.micros;
          }
          buckets.set(key, b);
        }
        const money = (micros: number) => Math.round(micros) / 1_000_000;
        return {
          currency: card.currency,
          from: new Date(from).toISOString(),
          to: new Date(to).toISOString(),
          data: [...buckets.values()]
            .sort(
              (a, b) =>
                a.day.localeCompare(b.day) ||
                a.phone_number_id.localeCompare(b.phone_number_id) ||
                a.category.localeCompare(b.category),
            )
            .map((b) => ({
              phone_number_id: b.phone_number_id,
              day: b.day,
              category: b.category,
              messages: b.messages,
              estimated: money(b.estimated_micros),
              actual: money(b.actual_micros),
              messages_with_actual_pricing: b.priced_messages,
            })),
          totals: { estimated: money(estimated), actual: money(actual), messages: rows.length },
        };
      },
    );

    app.put(
      '/api/costs/rate-card',
      {
        schema: {
          body: ZSetRateCardRequest,
          response: { 200: ZRateCardResponse, ...errorResponses },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        // The rate card is shared by every business account, so only an unrestricted principal sets it.
        if (!isHubWide(principal)) {
          throw new AppError(
            'FORBIDDEN',
            'Only an administrator of every business account can change the rate card.',
          );
        }
        const now = deps.clock.now();
        await deps.database.db.transaction().execute(async (trx) => {
          for (const p of request.body.prices) {
            const values = {
              price_micros: Math.round(p.price * 1_000_000),
              currency: request.body.currency,
              updated_at: now,
            };
            await trx
              .insertInto('rate_card_entries')
              .values({ category: normalizeCategory(p.category), country_code: p.country_code, ...values })
              .onConflict((oc) => oc.columns(['category', 'country_code']).doUpdateSet(values))
              .execute();
          }
        });
        invalidateRateCard(deps.database.db);
        const card = await loadRateCard({ db: deps.database.db, dataDir: deps.config.dataDir, now });
        return { currency: card.currency, prices: card.prices };
      },
    );
  };
}
