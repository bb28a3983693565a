import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { SANDBOX_DEFAULTS } from '../sandbox/index.ts';
import { seedAutomationDemo } from '../src/automation/flows/demo-seed.ts';
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

/** What the hub sent a customer (the sandbox's view: source `api`), as text. */
async function sentTo(stack: Stack, waId: string): Promise<string[]> {
  const chat = await stack.sandbox.control.chat(NUMBER_ID, waId);
  return chat.data
    .filter((m) => m.source === 'api')
    .map((m) => {
      const c = m.content as { body?: string; body_text?: string; type?: string; body_obj?: unknown };
      if (m.type === 'text') return String(c.body ?? '');
      return JSON.stringify(m.content);
    });
}

async function waitForSent(stack: Stack, waId: string, includes: string): Promise<void> {
  await waitUntil(async () => (await sentTo(stack, waId)).some((t) => t.includes(includes)), 150);
}

describe('automation against a real hub and sandbox', () => {
  let stack: Stack;
  let lead: TestUser;
  let page: Page;
  let closePage: () => Promise<void>;

  beforeAll(async () => {
    stack = await startStack({ customers: [ANA, BEN] });
    await seedAutomationDemo(stack.deps, { phoneNumberId: NUMBER_ID, wabaId: SANDBOX_DEFAULTS.wabaId });
    lead = await createUser(stack, { name: 'Sam Lead', role: 'supervisor' });
    const opened = await newPage(stack);
    page = opened.page;
    closePage = () => opened.context.close();
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

  it('runs the demo welcome flow: menu, lead capture with a retry, handoff with a note', async () => {
    await stack.sandbox.control.customerText(ANA.waId, 'Hi there');
    await waitForSent(stack, ANA.waId, 'Talk to sales');
    await stack.sandbox.control.customerSends(ANA.waId, {
      type: 'interactive',
      interactive: { type: 'button_reply', button_reply: { id: 'sales', title: 'Talk to sales' } },
    } as never);
    await waitForSent(stack, ANA.waId, 'What is your name?');
    await stack.sandbox.control.customerText(ANA.waId, 'Ana Ruiz');
    await waitForSent(stack, ANA.waId, 'And your email?');
    await stack.sandbox.control.customerText(ANA.waId, 'ana at example');
    await waitForSent(stack, ANA.waId, "doesn't look like an email");
    await stack.sandbox.control.customerText(ANA.waId, 'ana@example.com');
    await waitForSent(stack, ANA.waId, 'sales team will write to you');

    await signIn(page, lead);
    await page
      .getByRole('radiogroup', { name: 'Whose conversations' })
      .getByText('All', { exact: true })
      .click();
    await page
      .getByTestId('conversation-row')
      .filter({ hasText: 'ana@example.com' })
      .or(page.getByTestId('conversation-row').filter({ hasText: 'sales team' }))
      .first()
      .click();
    await page.getByText('Lead captured by the welcome flow.').first().waitFor();
    await page.getByText('email: ana@example.com').first().waitFor();
    await expect.poll(() => page.getByTestId('control-description').textContent()).toContain('handed off');
    expect(await page.getByTestId('message-origin').filter({ hasText: /bot/i }).count()).toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath('automation-handoff') });
  });

  it('steps aside when the owner answers from the phone, and answers again after a hand back', async () => {
    await stack.sandbox.control.customerText(BEN.waId, 'Hello!');
    await waitForSent(stack, BEN.waId, 'Opening hours');
    await stack.sandbox.control.ownerText(NUMBER_ID, BEN.waId, "Hi Ben, it's Marta, I'll help you myself.");
    await page.getByTestId('conversation-row').filter({ hasText: BEN.name }).click();
    await page.getByTestId('message').filter({ hasText: 'Marta' }).waitFor();
    await expect
      .poll(() => page.getByTestId('control-bar').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('human');
    await expect
      .poll(() => page.getByTestId('control-description').textContent())
      .toContain('owner on the phone');
    const before = (await sentTo(stack, BEN.waId)).length;
    await stack.sandbox.control.customerSends(BEN.waId, {
      type: 'interactive',
      interactive: { type: 'button_reply', button_reply: { id: 'hours', title: 'Opening hours' } },
    } as never);
    await page.getByTestId('message').filter({ hasText: 'Opening hours' }).last().waitFor();
    // Give automation every chance to answer: it must not.
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await sentTo(stack, BEN.waId)).length).toBe(before);
    await page.screenshot({ path: screenshotPath('automation-owner-took-over') });

    await page.getByRole('button', { name: 'Hand back to the bot' }).click();
    await expect.poll(() => page.getByTestId('control-bar').getAttribute('data-state')).toBe('automation');
    await stack.sandbox.control.customerSends(BEN.waId, {
      type: 'interactive',
      interactive: { type: 'button_reply', button_reply: { id: 'hours', title: 'Opening hours' } },
    } as never);
    await waitForSent(stack, BEN.waId, 'Monday to Friday');
  });

  it('builds a flow in the editor and tries it in the test panel without sending anything', async () => {
    const requestsBefore = (await stack.sandbox.control.requests()).data.length;
    await page.goto('/automation/flows');
    await page.getByTestId('flow-row').filter({ hasText: 'Welcome' }).waitFor();
    await page.getByLabel('New flow name').fill('Booking');
    await page.getByRole('button', { name: 'New flow' }).click();
    await page.getByTestId('flow-node').first().waitFor();
    // Add a question and connect the greeting to it.
    await page.getByRole('button', { name: 'Add step' }).click();
    await page.getByRole('menuitem', { name: 'ask' }).click();
    await page.getByLabel('Step settings').fill(
      JSON.stringify({
        id: 'when',
        type: 'ask',
        prompt: { type: 'text', text: { body: 'Which day would you like to come?' } },
        attribute: 'visit_date',
        validation: 'date',
        retry_prompt: 'Please write a date like 28/02/2026.',
        max_retries: 2,
        next: null,
      }),
    );
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.locator('[data-step="hello"]').click();
    await page.getByLabel('Step settings').fill(
      JSON.stringify({
        id: 'hello',
        type: 'message',
        content: { type: 'text', text: { body: 'Hello! Let us book your visit.' } },
        next: 'when',
      }),
    );
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.getByTestId('flow-node').count()).toBe(2);

    await page.getByRole('button', { name: 'Start test' }).click();
    await page.getByTestId('test-bot').filter({ hasText: 'Which day would you like to come?' }).waitFor();
    await page.getByLabel('Test message').fill('next friday');
    await page.getByLabel('Test message').press('Enter');
    await page.getByTestId('test-bot').filter({ hasText: 'Please write a date' }).waitFor();
    await page.getByLabel('Test message').fill('28/02/2026');
    await page.getByLabel('Test message').press('Enter');
    await page.getByTestId('test-info').filter({ hasText: 'visit_date = 2026-02-28' }).waitFor();
    await page.getByTestId('test-info').filter({ hasText: 'flow completed' }).waitFor();
    await page.screenshot({ path: screenshotPath('automation-flow-editor') });

    await page.getByRole('button', { name: 'Save and publish' }).click();
    await expect.poll(() => page.getByTestId('flow-version').textContent()).toBe('v2');
    // Nothing reached the Graph API while testing.
    const requests = (await stack.sandbox.control.requests()).data.slice(requestsBefore);
    expect(requests.filter((r) => JSON.stringify(r).includes('Which day would you like'))).toEqual([]);
  });
});
