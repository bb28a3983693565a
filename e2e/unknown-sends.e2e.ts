import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { newMessageRow } from '../src/messages/new-message-row.ts';
import {
  createUser,
  failureScreenshotPath,
  NUMBER_ID,
  newPage,
  type Stack,
  screenshotPath,
  signIn,
  startStack,
  waitUntil,
} from './harness.ts';

const ANA = { waId: '16505551234', name: 'Ana Ruiz' };

describe('the Unknown sends page against a real hub and sandbox', () => {
  let stack: Stack;
  let page: Page;
  let closePage: () => Promise<void>;
  let messageId: string;

  beforeAll(async () => {
    stack = await startStack({ customers: [ANA] });
    const supervisor = await createUser(stack, { name: 'Sam Lee', role: 'supervisor' });
    await stack.sandbox.control.customerText(ANA.waId, 'Did my order ship?');
    const db = stack.deps.database.db;
    let conversation: { id: string; contact_id: string } | undefined;
    await waitUntil(async () => {
      conversation = await db.selectFrom('conversations').select(['id', 'contact_id']).executeTakeFirst();
      return conversation !== undefined;
    });
    const c = conversation as { id: string; contact_id: string };
    // A send whose answer was lost (as after a frozen Cloud API): unknown, never repeated by itself.
    const now = Date.now();
    const row = newMessageRow({
      phone_number_id: NUMBER_ID,
      conversation_id: c.id,
      contact_id: c.contact_id,
      direction: 'outbound',
      origin: 'agent',
      type: 'text',
      content_json: JSON.stringify({ body: 'Yes, it left this morning.' }),
      timestamp: now,
      received_at: now,
      status: 'unknown',
      error_json: JSON.stringify({ code: 'SEND_OUTCOME_UNKNOWN', message: 'timed out' }),
    });
    messageId = row.id as string;
    await db.insertInto('messages').values(row).execute();
    await db
      .insertInto('outbox_jobs')
      .values({
        message_id: messageId,
        phone_number_id: NUMBER_ID,
        contact_id: c.contact_id,
        priority: 0,
        state: 'unknown',
        not_before: null,
        lease_epoch: null,
        claimed_by: null,
        dispatched_at: now,
        finished_at: null,
        last_error_json: JSON.stringify({ message: 'The send timed out; it may have reached Meta.' }),
        created_at: now,
        updated_at: now,
      })
      .execute();
    const opened = await newPage(stack);
    page = opened.page;
    closePage = () => opened.context.close();
    await signIn(page, supervisor);
    await page
      .getByRole('button', { name: 'Unknown sends' })
      .or(page.getByRole('link', { name: 'Unknown sends' }))
      .click();
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

  it('lists the unknown send and resolves the selected ones as not sent', async () => {
    const item = page.getByTestId('unknown-send').filter({ hasText: 'Yes, it left this morning.' });
    await item.waitFor();
    expect(await item.textContent()).toContain('timed out');
    await page.screenshot({ path: screenshotPath('unknown-sends') });
    await item.getByRole('checkbox').check();
    await page.getByRole('button', { name: /Mark as not sent/ }).click();
    await page.getByTestId('no-unknown-sends').waitFor();
    const stored = await stack.deps.database.db
      .selectFrom('messages')
      .select(['status'])
      .where('id', '=', messageId)
      .executeTakeFirstOrThrow();
    expect(stored.status).toBe('failed');
    // Never sent to the customer by the resolve.
    const chat = await stack.sandbox.control.chat(NUMBER_ID, ANA.waId);
    expect(chat.data.some((m) => JSON.stringify(m.content).includes('it left this morning'))).toBe(false);
  });
});
