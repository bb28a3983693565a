import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { createApiToken } from '../src/auth/api-tokens.ts';
import { recordConsent } from '../src/consent/consent-ledger.ts';
import {
  createUser,
  createUserWithMfa,
  failureScreenshotPath,
  NUMBER_ID,
  newPage,
  type Stack,
  settledScreenshot,
  signIn,
  signInWithMfa,
  startStack,
  waitUntil,
} from './harness.ts';

const ANA = { waId: '16505551234', name: 'Ana Ruiz' };
const BRUNO = { waId: '5215512345678', name: 'Bruno Díaz' };

describe('the Reports page against a real hub and sandbox', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ customers: [ANA, BRUNO] });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('shows the dashboard with its charts, a phone-app answer counted as the Business app', async (ctx) => {
    const supervisor = await createUser(stack, { name: 'Sam Supervisor', role: 'supervisor' });
    const db = stack.deps.database.db;
    // Two customers write; the owner answers Ana from the WhatsApp Business app (an echo).
    await stack.sandbox.control.customerText(ANA.waId, 'Hi, do you open on Sunday?');
    await stack.sandbox.control.customerText(BRUNO.waId, '¿Tienen envío a Monterrey?');
    await waitUntil(async () => {
      const rows = await db
        .selectFrom('analytics_rollups')
        .select('count')
        .where('metric', '=', 'messages.received')
        .execute();
      return rows.reduce((n, r) => n + Number(r.count), 0) >= 2;
    });
    await stack.sandbox.control.ownerText(NUMBER_ID, ANA.waId, 'Yes, from 10 to 14!');
    await waitUntil(async () => {
      const row = await db
        .selectFrom('analytics_rollups')
        .select('count')
        .where('metric', '=', 'first_response_time')
        .where('kind', '=', 'business_app')
        .executeTakeFirst();
      return row !== undefined;
    });

    const { context, page } = await newPage(stack, { width: 1366, height: 1000 });
    onTestFailed(async () => {
      await page.screenshot({ path: failureScreenshotPath(ctx.task.name), fullPage: true }).catch(() => {});
    });
    try {
      await signIn(page, supervisor);
      const sections = page.getByRole('navigation', { name: 'Sections' });
      await sections.getByRole('link', { name: 'Reports', exact: true }).click();
      await page.getByRole('heading', { name: 'Reports', exact: true }).waitFor();

      // The overview: totals and two charts drawn as SVG by recharts.
      const volume = page.getByRole('img', { name: 'Messages received and sent by day' });
      await volume.waitFor();
      await volume.locator('svg .recharts-bar-rectangle').first().waitFor();
      const lines = page.getByRole('img', { name: /Conversations opened and resolved/ });
      expect(await lines.locator('.recharts-legend-item').count()).toBe(3);
      const firstResponse = page.locator('text=First response time').locator('..');
      expect(await firstResponse.textContent()).toContain('median');
      expect(await page.getByText('Messages in / out').locator('..').textContent()).toContain('2 / 1');
      await settledScreenshot(page, 'reports-overview');

      // Who answered: the phone's answer is the one first response, attributed to the Business app.
      await page.getByRole('tab', { name: 'Who answered' }).click();
      const table = page.getByRole('table', { name: 'Who answered' });
      const app = table.getByRole('row').filter({ hasText: 'Business app' });
      await app.waitFor();
      expect(await app.textContent()).toContain('100%');
      await page
        .getByRole('img', { name: /First responses and messages sent/ })
        .locator('.recharts-bar-rectangle')
        .first()
        .waitFor();

      // Busiest hours: the two customer messages are in the grid.
      await page.getByRole('tab', { name: 'Busiest hours' }).click();
      const grid = page.getByRole('table', { name: 'Busiest hours' });
      await grid.waitFor();
      const cells = await grid.locator('td[title$=" 2 messages"], td[title$=" 1 messages"]').count();
      expect(cells).toBeGreaterThanOrEqual(1);

      // A campaign of the sandbox's MARKETING template to Ana, who opted in: its results and cost.
      const { token } = await createApiToken(db, { name: 'e2e', role: 'admin', now: Date.now() });
      const api = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(`${stack.hub.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as { data: Record<string, unknown> } };
      };
      expect((await api('POST', '/api/templates/sync', {})).status).toBe(200);
      const ana = await db
        .selectFrom('contacts')
        .select('id')
        .where('wa_id', '=', ANA.waId)
        .executeTakeFirstOrThrow();
      await db.transaction().execute((trx) =>
        recordConsent(trx, {
          contactId: ana.id,
          numberId: NUMBER_ID,
          scope: 'marketing',
          action: 'opt_in',
          source: 'api',
          wording: 'Yes, send me offers.',
          at: Date.now(),
        }),
      );
      const created = await api('POST', '/api/campaigns', {
        name: 'Summer sale',
        phone_number_id: NUMBER_ID,
        template: { name: 'seasonal_promo', language: 'en_US' },
        parameters: {
          header: [{ value: 'Summer sale' }],
          body: [{ attribute: 'first_name', fallback: 'friend' }, { value: 'SUN25' }, { value: '25%' }],
          buttons: { '1': { value: 'summer' } },
        },
        audience: { contact_ids: [ana.id] },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const campaignId = String(created.body.data.id);
      expect((await api('POST', `/api/campaigns/${campaignId}/start`, {})).status).toBe(200);
      await waitUntil(async () => {
        const r = (await api('GET', `/api/campaigns/${campaignId}/report`)).body.data as {
          campaign: { progress: { delivered: number } };
          cost: { priced_messages: number };
        };
        return r.campaign.progress.delivered === 1 && r.cost.priced_messages === 1;
      });
      // The analytics subscriber has counted its cost too.
      await waitUntil(async () => {
        const cost = await db
          .selectFrom('analytics_rollups')
          .select('count')
          .where('metric', '=', 'cost')
          .where('kind', 'like', 'marketing%')
          .executeTakeFirst();
        return cost !== undefined;
      });

      // Campaigns: the funnel and the cost of the one campaign, charged as marketing.
      await page.getByRole('tab', { name: 'Campaigns' }).click();
      const campaigns = page.getByRole('table', { name: 'Campaigns' });
      const row = campaigns.getByRole('row').filter({ hasText: 'Summer sale' });
      await row.waitFor();
      expect(await row.textContent()).toContain('Marketing');
      await page
        .getByRole('img', { name: /Campaign funnel/ })
        .locator('.recharts-bar-rectangle')
        .first()
        .waitFor();
      await settledScreenshot(page, 'reports-campaigns');

      // Costs by pricing category: the campaign's marketing message is charged.
      await page.getByRole('tab', { name: 'Costs' }).click();
      const costs = page.getByRole('table', { name: 'Costs' });
      await costs.getByRole('row').filter({ hasText: 'Marketing' }).waitFor();
      await settledScreenshot(page, 'reports-costs');
    } finally {
      await context.close();
    }
  });

  it('lets an admin set a number’s business hours, holidays and SLA targets', async (ctx) => {
    const admin = await createUserWithMfa(stack, { name: 'Ada Admin', role: 'admin' });
    const { context, page } = await newPage(stack, { width: 1366, height: 1000 });
    onTestFailed(async () => {
      await page.screenshot({ path: failureScreenshotPath(ctx.task.name), fullPage: true }).catch(() => {});
    });
    try {
      await signInWithMfa(page, admin);
      await page
        .getByRole('navigation', { name: 'Sections' })
        .getByRole('link', { name: 'Reports', exact: true })
        .click();
      await page.getByRole('tab', { name: 'Settings' }).click();
      await page.getByLabel('Time zone (IANA)').fill('Europe/Madrid');
      for (const day of ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'])
        await page.getByLabel(day, { exact: true }).check();
      await page.getByLabel('Holidays').fill('2026-12-25, 2027-01-01');
      await page.getByLabel('First response target (minutes)').fill('15');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Saved', { exact: true }).waitFor();
      await settledScreenshot(page, 'reports-settings');
      const row = await stack.deps.database.db
        .selectFrom('analytics_number_settings')
        .selectAll()
        .where('phone_number_id', '=', NUMBER_ID)
        .executeTakeFirstOrThrow();
      expect(row.time_zone).toBe('Europe/Madrid');
      expect(Number(row.first_response_target_ms)).toBe(15 * 60_000);
      // The number's one schedule (the automation's out-of-hours reply reads it too), as
      // platform/schedule.ts's model: weekly hours by weekday, and the holidays.
      const hours = await stack.deps.database.db
        .selectFrom('business_hours')
        .selectAll()
        .where('phone_number_id', '=', NUMBER_ID)
        .executeTakeFirstOrThrow();
      expect(hours.time_zone).toBe('Europe/Madrid');
      expect(JSON.parse(hours.weekly_json)).toMatchObject({
        mon: [['09:00', '18:00']],
        fri: [['09:00', '18:00']],
      });
      expect(JSON.parse(hours.holidays_json)).toEqual(['2026-12-25', '2027-01-01']);
    } finally {
      await context.close();
    }
  });
});
