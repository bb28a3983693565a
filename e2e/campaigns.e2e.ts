import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { consentState } from '../src/consent/consent-ledger.ts';
import {
  createUser,
  failureScreenshotPath,
  NUMBER_ID,
  newPage,
  type Stack,
  settledScreenshot,
  signIn,
  startStack,
  type TestUser,
  waitUntil,
} from './harness.ts';

const ANA = { waId: '16505551234', name: 'Ana Ruiz' };
const BRUNO = { waId: '16505551235', name: 'Bruno Díaz' };
const CARLA = { waId: '16505551236', name: 'Carla Mendes' };
const DARIO = { waId: '16505551237', name: 'Dario Rossi' };

/** Four customers of the sandbox, one who never opted in, and two bad rows. */
const CSV = [
  'phone,name,consent,evidence,city',
  '+1 650 555 1234,Ana Ruiz,opt_in,web form 2026-11,Lisbon',
  '16505551235,Bruno Díaz,opt_in,paper form at the shop,Lisbon',
  'call me,Nina,opt_in,paper form,Faro',
  '16505551236,Carla Mendes,opt_in,web form 2026-11,lisbon',
  '16505551237,Dario Rossi,,,Porto',
  '16505551238,Olga,opt_in,,Lisbon',
].join('\n');

const TEMPLATE = 'winter_sale';

/** The wall-clock time of the instant `at` in `timeZone`, as a datetime-local input takes it (to the second). */
function localTimeIn(timeZone: string, at: number): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}`;
}

describe('templates, audiences and campaigns against a real hub and sandbox', () => {
  let stack: Stack;
  let lead: TestUser;
  let page: Page;
  let closePage: () => Promise<void>;

  /** The template messages the sandbox's customer `waId` has received. */
  const templatesReceivedBy = async (waId: string) =>
    (await stack.sandbox.control.chat(NUMBER_ID, waId)).data.filter((m) => m.type === 'template');

  beforeAll(async () => {
    stack = await startStack({ customers: [ANA, BRUNO, CARLA, DARIO] });
    lead = await createUser(stack, { name: 'Sofia Lead', role: 'supervisor' });
    // The hub learns its number from the first webhook: a customer writes before anything else.
    await stack.sandbox.control.customerText(ANA.waId, 'Hola, ¿tenéis rebajas de invierno?');
    await waitUntil(async () =>
      Boolean(
        await stack.deps.database.db
          .selectFrom('contacts')
          .select('id')
          .where('wa_id', '=', ANA.waId)
          .executeTakeFirst(),
      ),
    );
    const opened = await newPage(stack, { width: 1366, height: 900 });
    page = opened.page;
    closePage = () => opened.context.close();
    await signIn(page, lead);
    await page.getByRole('navigation', { name: 'Sections' }).waitFor();
  });
  beforeEach((context) => {
    onTestFailed(async () => {
      await page
        ?.screenshot({ path: failureScreenshotPath(context.task.name), fullPage: true })
        .catch(() => {});
    });
  });
  afterAll(async () => {
    await closePage?.();
    await stack?.close();
  });

  it('creates a marketing template and sees it approved after the sandbox’s review', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Templates' }).click();
    await page.getByRole('button', { name: 'New template' }).click();
    const dialog = page.getByRole('dialog', { name: 'New template' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill(TEMPLATE);
    await dialog.getByRole('combobox', { name: 'Header', exact: true }).click();
    await page.getByRole('option', { name: 'Text', exact: true }).click();
    await dialog.getByRole('textbox', { name: 'Header text' }).fill('Winter sale');
    await dialog.getByRole('textbox', { name: 'Body' }).fill('Hi {{1}}, everything is 20% off until Sunday.');
    await dialog.getByRole('textbox', { name: 'Example for {{1}}' }).fill('Ana');
    await dialog.getByRole('textbox', { name: 'Footer' }).fill('Reply BAJA to stop offers');
    await dialog.getByRole('button', { name: 'Add button' }).click();
    await page.getByRole('menuitem', { name: 'Quick reply' }).click();
    await dialog.getByTestId('button-row-0').getByRole('textbox', { name: 'Button text' }).fill('Show me');
    // The preview shows the message as WhatsApp will, the example in place of {{1}}.
    expect(await dialog.getByTestId('template-preview').textContent()).toContain(
      'Hi Ana, everything is 20% off until Sunday.',
    );
    await dialog.getByRole('button', { name: 'Submit for review' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const card = page.getByTestId(`template-${TEMPLATE}-en_US`);
    expect(await card.getByTestId('template-status').textContent()).toBe('PENDING');
    // The sandbox approves it after its review delay; the webhook reaches the page without a reload.
    await card.getByTestId('template-status').getByText('APPROVED').waitFor({ timeout: 20_000 });
    expect(await card.textContent()).toContain('MARKETING');
    await settledScreenshot(page, 'template-approved');
    const stored = await stack.deps.database.db
      .selectFrom('templates')
      .select(['status', 'category'])
      .where('name', '=', TEMPLATE)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ status: 'APPROVED', category: 'MARKETING' });
  });

  it('imports a CSV with bad rows: each is reported with its reason, only the valid rows go in', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Audiences' }).click();
    await page.getByRole('tab', { name: 'Import contacts' }).click();
    await page
      .locator('input[type="file"]')
      .setInputFiles({ name: 'winter.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await page.getByLabel('Import only the valid rows').check();
    await page.getByRole('button', { name: 'Import' }).click();
    const report = page.getByTestId('import-report');
    await report.getByText('winter.csv · done').waitFor({ timeout: 20_000 });
    expect(await report.textContent()).toContain('6 rows: 4 valid, 2 rejected, 4 imported.');
    const rows = report.getByTestId('rejected-row');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain('call me');
    expect(await rows.nth(1).textContent()).toContain('16505551238');
    expect(await rows.nth(1).textContent()).toContain('without evidence');
    await report.getByRole('link', { name: 'Download the rejected rows (CSV)' }).waitFor();
    const imported = await stack.deps.database.db
      .selectFrom('contacts')
      .select('wa_id')
      .where('phone_number_id', '=', NUMBER_ID)
      .execute();
    expect(imported.map((c) => c.wa_id).sort()).toEqual([ANA.waId, BRUNO.waId, CARLA.waId, DARIO.waId]);
  });

  it('builds a segment with a live count and saves it', async () => {
    await page.getByRole('tab', { name: 'Segments' }).click();
    const count = page.getByTestId('segment-count');
    await count.getByText('4 contacts', { exact: true }).waitFor();
    await page.getByRole('combobox', { name: 'Marketing consent' }).click();
    await page.getByRole('option', { name: 'Opted in' }).click();
    await page.keyboard.press('Escape');
    await count.getByText('3 contacts', { exact: true }).waitFor();
    await page.getByRole('textbox', { name: 'Attribute' }).fill('city');
    await page.getByRole('textbox', { name: 'Value' }).fill('porto');
    await count.getByText('0 contacts', { exact: true }).waitFor();
    // Equality on an attribute ignores case: "lisbon" selects Lisbon and lisbon alike.
    await page.getByRole('textbox', { name: 'Value' }).fill('lisbon');
    await count.getByText('3 contacts', { exact: true }).waitFor();
    await page.getByRole('textbox', { name: 'Name' }).fill('Lisbon, opted in');
    await page.getByRole('button', { name: 'Save segment' }).click();
    await page.getByRole('cell', { name: 'Lisbon, opted in' }).waitFor();
    await settledScreenshot(page, 'segment-builder');
    const saved = await stack.deps.database.db.selectFrom('segments').select(['name']).execute();
    expect(saved.map((s) => s.name)).toEqual(['Lisbon, opted in']);
  });

  it('schedules a campaign in the business’s time zone, then shows its progress and report', async () => {
    await stack.sandbox.control.configure({ statuses: 'strict', statusDelays: { readMs: 4_000 } });
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('button', { name: 'New campaign' }).click();
    const dialog = page.getByRole('dialog', { name: 'New campaign' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Winter sale');
    await dialog.getByRole('combobox', { name: 'Template' }).click();
    await page.getByRole('option', { name: `${TEMPLATE} (en_US, MARKETING)` }).click();
    await dialog.getByRole('combobox', { name: 'Audience' }).click();
    await page.getByRole('option', { name: 'Segment: Lisbon, opted in' }).click();
    await dialog.getByRole('button', { name: 'Create and estimate' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const estimate = page.getByTestId('estimate-total');
    await estimate.waitFor();
    expect(await estimate.textContent()).toMatch(/^3 recipients, 3 billable: /);

    // Twelve seconds from now, written as the wall-clock time in Madrid.
    await page.getByRole('textbox', { name: 'Time zone' }).fill('Europe/Madrid');
    const at = Math.floor((Date.now() + 12_000) / 1000) * 1000;
    const sendAt = localTimeIn('Europe/Madrid', at);
    await page.getByLabel('Send at').fill(sendAt);
    await page.getByRole('button', { name: 'Schedule' }).click();
    const state = page.getByTestId('campaign-state');
    await state.getByText('scheduled').waitFor();
    // The page shows the time as entered, Madrid's wall clock, whatever the browser's zone (UTC here).
    const shown = await page.getByTestId('campaign-schedule').textContent();
    expect(shown).toContain('(Europe/Madrid)');
    const madrid = await page.evaluate(
      (t) => new Date(t).toLocaleTimeString(undefined, { timeZone: 'Europe/Madrid' }),
      at,
    );
    expect(shown).toContain(madrid);

    // It starts by itself at that time; the page follows its progress.
    await page.getByTestId('stat-delivered').getByText('3', { exact: true }).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('stat-sent').textContent()).toBe('3');
    await settledScreenshot(page, 'campaign-progress');
    await page.getByTestId('stat-read').getByText('3', { exact: true }).waitFor({ timeout: 15_000 });
    await state.getByText('completed').waitFor();
    const started = await stack.deps.database.db
      .selectFrom('campaigns')
      .select('started_at')
      .where('name', '=', 'Winter sale')
      .executeTakeFirstOrThrow();
    expect(Number(started.started_at)).toBeGreaterThanOrEqual(at);
    expect(await page.getByTestId('stat-failed').textContent()).toBe('0');
    expect(await page.getByTestId('stat-refused').textContent()).toBe('0');
    for (const c of [ANA, BRUNO, CARLA]) expect(await templatesReceivedBy(c.waId)).toHaveLength(1);
    expect(await templatesReceivedBy(DARIO.waId)).toHaveLength(0);
    await page.getByTestId('stat-actual-cost').getByText(/[1-9]/).waitFor({ timeout: 15_000 });
    await settledScreenshot(page, 'campaign-report');
  });

  it('a customer who writes BAJA stops receiving it: the next send to her is refused as opted out', async () => {
    const db = stack.deps.database.db;
    await stack.sandbox.control.customerText(ANA.waId, 'BAJA');
    const ana = await db
      .selectFrom('contacts')
      .select('id')
      .where('wa_id', '=', ANA.waId)
      .executeTakeFirstOrThrow();
    await waitUntil(
      async () =>
        (await consentState(db, { contactId: ana.id, numberId: NUMBER_ID, scope: 'marketing' })).state ===
        'opted_out',
    );
    // The first campaign counts her reply and her opt-out after it.
    await page
      .getByTestId('stat-opted-out-after')
      .getByText('1', { exact: true })
      .waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('stat-replied').textContent()).toBe('1');

    // A second campaign to every contact: the estimate already leaves her out, and Dario, who never
    // opted in.
    await page.getByRole('button', { name: 'New campaign' }).click();
    const dialog = page.getByRole('dialog', { name: 'New campaign' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Winter sale, last days');
    await dialog.getByRole('combobox', { name: 'Template' }).click();
    await page.getByRole('option', { name: `${TEMPLATE} (en_US, MARKETING)` }).click();
    await dialog.getByRole('button', { name: 'Create and estimate' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByTestId('estimate-total').waitFor();
    expect(await page.getByTestId('estimate-total').textContent()).toMatch(/^4 recipients, 2 billable: /);
    await page.getByText('1 will be refused (CONTACT_OPTED_OUT)').waitFor();
    await page.getByText('1 will be refused (CONTACT_NOT_OPTED_IN)').waitFor();
    await page.getByRole('button', { name: 'Send now' }).click();

    await page.getByTestId('campaign-state').getByText('completed').waitFor({ timeout: 30_000 });
    await page.getByTestId('stat-delivered').getByText('2', { exact: true }).waitFor({ timeout: 15_000 });
    // Refused by the send policy before anything went to Meta: nothing failed there.
    expect(await page.getByTestId('stat-refused').textContent()).toBe('2');
    expect(await page.getByTestId('stat-failed').textContent()).toBe('0');
    // The report's chart of refusals names both reasons.
    const reasons = page.getByTestId('not-delivered');
    await reasons.getByText('CONTACT_OPTED_OUT', { exact: true }).waitFor();
    await reasons.getByText('CONTACT_NOT_OPTED_IN', { exact: true }).waitFor();
    const refused = await db
      .selectFrom('campaign_recipients as r')
      .innerJoin('campaigns as c', 'c.id', 'r.campaign_id')
      .innerJoin('contacts as k', 'k.id', 'r.contact_id')
      .select(['k.wa_id', 'r.state', 'r.refusal_code'])
      .where('c.name', '=', 'Winter sale, last days')
      .orderBy('k.wa_id')
      .execute();
    expect(refused).toEqual([
      { wa_id: ANA.waId, state: 'refused', refusal_code: 'CONTACT_OPTED_OUT' },
      { wa_id: BRUNO.waId, state: 'queued', refusal_code: null },
      { wa_id: CARLA.waId, state: 'queued', refusal_code: null },
      { wa_id: DARIO.waId, state: 'refused', refusal_code: 'CONTACT_NOT_OPTED_IN' },
    ]);
    // Ana got the first campaign only; Bruno and Carla got both.
    expect(await templatesReceivedBy(ANA.waId)).toHaveLength(1);
    expect(await templatesReceivedBy(BRUNO.waId)).toHaveLength(2);
    expect(await templatesReceivedBy(CARLA.waId)).toHaveLength(2);
    expect(await templatesReceivedBy(DARIO.waId)).toHaveLength(0);
  });
});
