import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { createApiToken } from '../src/auth/api-tokens.ts';
import {
  createUser,
  failureScreenshotPath,
  NUMBER_ID,
  newPage,
  type Stack,
  screenshotPath,
  signIn,
  startStack,
  type TestUser,
  waitUntil,
} from './harness.ts';

const ANA = { waId: '16505551234', name: 'Ana Ruiz' };
const BEN = { waId: '16505559876', name: 'Ben Okafor' };

function row(page: Page, name: string) {
  return page.getByTestId('conversation-row').filter({ hasText: name });
}

function bubble(page: Page, text: string) {
  return page.getByTestId('message').filter({ hasText: text });
}

async function showAllConversations(page: Page): Promise<void> {
  await page
    .getByRole('radiogroup', { name: 'Whose conversations' })
    .getByText('All', { exact: true })
    .click();
}

describe('the shared inbox against a real hub and sandbox', () => {
  let stack: Stack;
  let agent: TestUser;
  let page: Page;
  let closePage: () => Promise<void>;

  beforeAll(async () => {
    stack = await startStack({ customers: [ANA, BEN] });
    agent = await createUser(stack, { name: 'Maria Lopez', role: 'agent' });
    // The hub's template cache is filled from the Graph API; an operator does this once.
    const { token } = await createApiToken(stack.deps.database.db, {
      name: 'setup',
      role: 'admin',
      now: Date.now(),
    });
    await stack.sandbox.control.customerText(ANA.waId, 'Hi! Is the blue jacket still in stock?');
    await waitUntil(async () => {
      const res = await fetch(`${stack.hub.url}/api/templates/sync`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      const list = await fetch(`${stack.hub.url}/api/templates`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return res.ok && ((await list.json()) as { data: unknown[] }).data.length > 0;
    });
    const opened = await newPage(stack);
    page = opened.page;
    closePage = () => opened.context.close();
    await signIn(page, agent);
    await page.getByTestId('conversation-list').or(page.getByText('No conversations here.')).waitFor();
    await showAllConversations(page);
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

  it('shows a customer message sent from the sandbox live, with its unread count', async () => {
    await row(page, ANA.name).waitFor();
    const text = 'Also, do you ship to Lisbon?';
    await stack.sandbox.control.customerText(ANA.waId, text);
    // No reload: the realtime stream updates the list.
    await row(page, ANA.name).filter({ hasText: text }).waitFor();
    expect(await row(page, ANA.name).getByTestId('unread-count').textContent()).toBe('2');

    await row(page, ANA.name).click();
    await bubble(page, text).waitFor();
    const origin = bubble(page, text).getByTestId('message-origin');
    expect(await origin.getAttribute('data-origin')).toBe('customer');
    expect(await origin.textContent()).toContain(ANA.name);
    await page.getByTestId('window-countdown').waitFor();
  });

  it("delivers an agent's reply to the sandbox customer, marked with the agent's name and delivery ticks", async () => {
    const reply = 'Yes, we ship to Lisbon in 2 days!';
    await page.getByTestId('reply-input').fill(reply);
    await page.getByTestId('reply-input').press('Enter');

    const sent = bubble(page, reply);
    await sent.waitFor();
    expect(await sent.getAttribute('data-origin')).toBe('agent');
    expect(await sent.getByTestId('message-origin').textContent()).toContain(agent.name);

    await waitUntil(async () => {
      const chat = await stack.sandbox.control.chat(NUMBER_ID, ANA.waId);
      return chat.data.some((m) => m.source === 'api' && JSON.stringify(m.content).includes(reply));
    });
    // The sandbox customer reads it; the read status travels back as a webhook and shows live.
    await sent.locator('[data-testid="delivery-status"][data-status="read"]').waitFor();
    await page.screenshot({ path: screenshotPath('inbox') });
  });

  it('shows what the owner typed on the phone as sent from the Business App', async () => {
    const text = 'Hi Ben, your table for 4 is booked for 9 pm.';
    await stack.sandbox.control.ownerText(NUMBER_ID, BEN.waId, text);
    await row(page, text).waitFor();
    await row(page, text).click();
    const echo = bubble(page, text);
    await echo.waitFor();
    expect(await echo.getAttribute('data-origin')).toBe('business_app');
    expect(await echo.getByTestId('message-origin').textContent()).toContain('Business App');
  });

  it('offers templates once the window is closed, and a template send reaches the customer', async () => {
    // Ben never wrote: the owner's echo does not open a customer-service window.
    await page.getByTestId('window-closed').waitFor();
    expect(await page.getByTestId('reply-input').count()).toBe(0);

    await page.getByTestId('template-select').click();
    await page.getByRole('option', { name: /order_confirmation/ }).click();
    const fields = page.getByTestId('template-fields').getByRole('textbox');
    const count = await fields.count();
    expect(count).toBeGreaterThan(0);
    for (let i = 0; i < count; i++) await fields.nth(i).fill(`value${i + 1}`);
    expect(await page.getByTestId('template-preview').textContent()).toContain('value1');
    await page.screenshot({ path: screenshotPath('template-picker') });
    await page.getByRole('button', { name: 'Send template' }).click();

    await page.getByTestId('message').filter({ hasText: 'order_confirmation' }).waitFor();
    await waitUntil(async () => {
      const chat = await stack.sandbox.control.chat(NUMBER_ID, BEN.waId);
      return chat.data.some((m) => m.source === 'api' && m.type === 'template');
    });
  });
});
