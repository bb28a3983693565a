import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { verifyBundle } from '../src/archive/verify-bundle.ts';
import {
  createUser,
  failureScreenshotPath,
  newPage,
  type Stack,
  settledScreenshot,
  signIn,
  startStack,
  waitUntil,
} from './harness.ts';

const ANA = { waId: '16505551234', name: 'Ana Ruiz' };

describe("the auditor's archive view against a real hub and sandbox", () => {
  let stack: Stack;
  let page: Page;
  let closePage: () => Promise<void>;

  beforeAll(async () => {
    stack = await startStack({ customers: [ANA] });
    const auditor = await createUser(stack, { name: 'Iris Audit', role: 'auditor' });
    const sent = await stack.sandbox.control.customerText(ANA.waId, 'Please cancel order 1042');
    await stack.sandbox.control.customerSends(ANA.waId, {
      type: 'edit',
      edit: {
        original_message_id: sent.id,
        message: { type: 'text', text: { body: 'Please cancel order 1043' } },
      },
    } as never);
    const db = stack.deps.database.db;
    // The hub's archive subscriber records both versions on its own.
    await waitUntil(async () => {
      const rows = await db
        .selectFrom('archive_entries')
        .select('type')
        .where('type', 'like', 'message.%')
        .execute();
      return rows.some((r) => r.type === 'message.edited');
    });
    const opened = await newPage(stack);
    page = opened.page;
    closePage = () => opened.context.close();
    await signIn(page, auditor);
    await page
      .getByRole('link', { name: 'Archive' })
      .or(page.getByRole('button', { name: 'Archive' }))
      .click();
  });

  beforeEach((context) => {
    onTestFailed(async () => {
      await page.screenshot({ path: failureScreenshotPath(context.task.name) });
    });
  });

  afterAll(async () => {
    await closePage?.();
    await stack?.close();
  });

  it('searches the archive by text and shows every version of the edited message on a timeline', async () => {
    await page.getByLabel('Text').fill('order 104');
    await page.getByRole('button', { name: 'Search' }).click();
    const rows = page.getByTestId('archive-entry');
    await expect.poll(() => rows.count()).toBe(2);
    await rows.filter({ hasText: 'message.edited' }).getByRole('button').click();
    const versions = page.getByTestId('version');
    await expect.poll(() => versions.count()).toBe(2);
    expect(await versions.nth(0).textContent()).toContain('Please cancel order 1042');
    expect(await versions.nth(1).textContent()).toContain('Please cancel order 1043');
    expect(await versions.nth(1).textContent()).toContain('Edited');
    await settledScreenshot(page, 'audit-versions');
    await page.keyboard.press('Escape');
  });

  it('verifies the archive and downloads an export that verifies offline', async () => {
    await page.getByRole('button', { name: 'Verify now' }).click();
    await expect.poll(() => page.getByTestId('verification-state').getAttribute('data-result')).toBe('ok');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export' }).click(),
    ]);
    const path = await download.path();
    const report = verifyBundle(readFileSync(path).toString('utf8'));
    expect(report.problems).toEqual([]);
    expect(report.entries).toBeGreaterThanOrEqual(2);
    expect(readFileSync(path, 'utf8')).toContain('Please cancel order 1043');
  });
});
