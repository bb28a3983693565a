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

const CSV = [
  'phone,name,consent,evidence,city',
  '+1 650 555 0101,Lucia,opt_in,web form 2026-11,Lisbon',
  '16505550102,Marco,,,Porto',
  'call me,Nina,opt_in,paper form,Faro',
  '16505550103,Olga,opt_in,,Lisbon',
].join('\n');

describe('consent and audiences against a real hub and sandbox', () => {
  let stack: Stack;
  let lead: TestUser;
  let page: Page;
  let closePage: () => Promise<void>;

  beforeAll(async () => {
    stack = await startStack({ customers: [ANA] });
    lead = await createUser(stack, { name: 'Sofia Lead', role: 'supervisor' });
    const opened = await newPage(stack);
    page = opened.page;
    closePage = () => opened.context.close();
    await signIn(page, lead);
    await page.getByRole('navigation', { name: 'Sections' }).waitFor();
  });
  beforeEach((context) => {
    onTestFailed(async () => {
      await page?.screenshot({ path: failureScreenshotPath(context.task.name) }).catch(() => {});
    });
  });
  afterAll(async () => {
    await closePage?.();
    await stack?.close();
  });

  it('a customer who writes BAJA is opted out, and the contact panel shows the consent history', async () => {
    await stack.sandbox.control.customerText(ANA.waId, 'Hola, ¿tienen la chaqueta azul?');
    await stack.sandbox.control.customerText(ANA.waId, 'BAJA');
    const db = stack.deps.database.db;
    await waitUntil(async () => {
      const c = await db.selectFrom('contacts').select('id').where('wa_id', '=', ANA.waId).executeTakeFirst();
      return (
        !!c &&
        (await consentState(db, { contactId: c.id, numberId: NUMBER_ID, scope: 'marketing' })).state ===
          'opted_out'
      );
    });
    await page.goto('/inbox');
    await page
      .getByRole('radiogroup', { name: 'Whose conversations' })
      .getByText('All', { exact: true })
      .click();
    await page.getByTestId('conversation-row').filter({ hasText: ANA.name }).click();
    const history = page.getByTestId('consent-history');
    await history.getByTestId('consent-record').first().waitFor();
    expect(await history.getByTestId('consent-state').textContent()).toContain('Opted out');
    const record = await history.getByTestId('consent-record').first().textContent();
    expect(record).toContain('Opt-out');
    expect(record).toContain('Keyword from the customer');
    expect(record).toContain('“BAJA”');
    // The Spanish confirmation went back through the send path.
    await page.getByTestId('message').filter({ hasText: 'Ya no recibirás mensajes de marketing' }).waitFor();
    await settledScreenshot(page, 'consent-contact-panel');
  });

  it('imports a CSV with bad rows: the report lists each with its reason, only the valid rows go in', async () => {
    await page.goto('/audiences/import');
    await page
      .locator('input[type="file"]')
      .setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await page.getByLabel('Import only the valid rows').check();
    await page.getByRole('button', { name: 'Import' }).click();
    const report = page.getByTestId('import-report');
    await report.getByText('contacts.csv · done').waitFor({ timeout: 20_000 });
    expect(await report.textContent()).toContain('4 rows: 2 valid, 2 rejected, 2 imported.');
    const rows = report.getByTestId('rejected-row');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain('call me');
    expect(await rows.nth(1).textContent()).toContain('without evidence');
    await report.getByRole('link', { name: 'Download the rejected rows (CSV)' }).waitFor();
    await settledScreenshot(page, 'contacts-import');
    const imported = await stack.deps.database.db
      .selectFrom('contacts')
      .select('wa_id')
      .where('wa_id', 'in', ['16505550101', '16505550102', '16505550103'])
      .execute();
    expect(imported.map((c) => c.wa_id).sort()).toEqual(['16505550101', '16505550102']);
  });
});
