import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { createApiToken } from '../src/auth/api-tokens.ts';
import {
  createUser,
  createUserWithMfa,
  failureScreenshotPath,
  NUMBER_ID,
  newPage,
  type Stack,
  screenshotPath,
  signIn,
  signInWithMfa,
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
    // Opening it counts as seen: the badge goes and the customer gets a read receipt from Meta.
    await waitUntil(async () => (await row(page, ANA.name).getByTestId('unread-count').count()) === 0);
    await waitUntil(async () =>
      (await stack.sandbox.control.requests()).data.some((r) =>
        JSON.stringify(r).includes('"status":"read"'),
      ),
    );
  });

  it("delivers an agent's quoted reply to the sandbox customer, marked with the agent's name and delivery ticks", async () => {
    const reply = 'Yes, we ship to Lisbon in 2 days!';
    await bubble(page, 'Also, do you ship to Lisbon?')
      .getByRole('button', { name: 'Reply to this message' })
      .click();
    await page.getByTestId('replying-to').waitFor();
    await page.getByTestId('reply-input').fill(reply);
    await page.getByTestId('reply-input').press('Enter');

    const sent = bubble(page, reply);
    await sent.waitFor();
    expect(await sent.getAttribute('data-origin')).toBe('agent');
    expect(await sent.getByTestId('message-origin').textContent()).toContain(agent.name);

    expect(await sent.getByTestId('quoted-message').textContent()).toContain('Also, do you ship to Lisbon?');
    await waitUntil(async () => {
      const chat = await stack.sandbox.control.chat(NUMBER_ID, ANA.waId);
      // It reaches the customer as a quoted reply.
      return chat.data.some(
        (m) => m.source === 'api' && JSON.stringify(m.content).includes(reply) && m.context !== null,
      );
    });
    // The sandbox customer reads it; the read status travels back as a webhook and shows live.
    await sent.locator('[data-testid="delivery-status"][data-status="read"]').waitFor();

    await page.getByTestId('assign-button').click();
    await page.getByRole('menuitem', { name: 'Assign to me' }).click();
    await page.getByTestId('assign-button').filter({ hasText: 'Assigned: me' }).waitFor();
    await page.screenshot({ path: screenshotPath('inbox') });
  });

  it('keeps an internal note inside the team: shown in the thread, never sent to the customer', async () => {
    const note = 'VIP customer: offer free shipping';
    await page.getByRole('tab', { name: 'Internal note' }).click();
    await page.getByRole('textbox', { name: 'Note' }).fill(note);
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByTestId('note').filter({ hasText: note }).waitFor();
    const chat = await stack.sandbox.control.chat(NUMBER_ID, ANA.waId);
    expect(chat.data.some((m) => JSON.stringify(m.content).includes(note))).toBe(false);
    await page.getByRole('tab', { name: 'Reply' }).click();
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
    const values = ['Ben', 'A-1042', 'Friday'];
    for (let i = 0; i < count; i++) await fields.nth(i).fill(values[i] ?? `value${i + 1}`);
    expect(await page.getByTestId('template-preview').textContent()).toContain('A-1042');
    await page.screenshot({ path: screenshotPath('template-picker') });
    await page.getByRole('button', { name: 'Send template' }).click();

    await page.getByTestId('message').filter({ hasText: 'order_confirmation' }).waitFor();
    await waitUntil(async () => {
      const chat = await stack.sandbox.control.chat(NUMBER_ID, BEN.waId);
      return chat.data.some((m) => m.source === 'api' && m.type === 'template');
    });
  });

  it('moves between conversations with the arrow keys', async () => {
    await stack.sandbox.control.customerText(BEN.waId, 'Is 9 pm still fine?');
    // Ben's first own message brings his profile name.
    await row(page, BEN.name).waitFor();
    await page.getByTestId('conversation-list').focus();
    await page.keyboard.press('Home');
    await page.getByTestId('conversation-title').filter({ hasText: BEN.name }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.getByTestId('conversation-title').filter({ hasText: ANA.name }).waitFor();
  });

  it('triages with the keyboard alone: shortcuts help, next and previous, reply with a kept draft, resolve', async () => {
    const blur = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const title = (name: string) => page.getByTestId('conversation-title').filter({ hasText: name });
    await title(ANA.name).waitFor();
    await blur();
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.getByText('Next conversation').waitFor();
    await page.screenshot({ path: screenshotPath('inbox-shortcuts') });
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });
    await blur();
    await page.keyboard.press('k');
    await title(BEN.name).waitFor();
    await page.keyboard.press('j');
    await title(ANA.name).waitFor();
    // r: the reply field, where keys are text again; the draft stays with Ana's conversation.
    await page.keyboard.press('r');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('reply-input');
    await page.keyboard.type('Draft for Ana, just');
    await blur();
    await page.keyboard.press('k');
    await title(BEN.name).waitFor();
    expect(await page.getByTestId('reply-input').inputValue()).toBe('');
    await page.keyboard.press('j');
    await title(ANA.name).waitFor();
    expect(await page.getByTestId('reply-input').inputValue()).toBe('Draft for Ana, just');
    await page.getByTestId('reply-input').fill('');
    await blur();
    // e resolves, and again reopens.
    await page.keyboard.press('e');
    await page.getByTestId('status-button').filter({ hasText: 'Reopen' }).waitFor();
    await blur();
    await page.keyboard.press('e');
    await page.getByTestId('status-button').filter({ hasText: 'Resolve' }).waitFor();
  });

  it('fits a phone screen: the list, then one conversation with a way back', async () => {
    const phone = await newPage(stack, { width: 390, height: 844 });
    try {
      await signIn(phone.page, agent);
      await phone.page
        .getByTestId('conversation-list')
        .or(phone.page.getByText('No conversations here.'))
        .waitFor();
      await showAllConversations(phone.page);
      await row(phone.page, ANA.name).click();
      await bubble(phone.page, 'Yes, we ship to Lisbon in 2 days!').waitFor();
      expect(await phone.page.getByTestId('conversation-list').count()).toBe(0);
      await phone.page.screenshot({ path: screenshotPath('inbox-phone') });
      await phone.page.getByRole('link', { name: 'Back to conversations' }).click();
      await row(phone.page, ANA.name).waitFor();
    } finally {
      await phone.context.close();
    }
  });

  it("lets a supervisor see each agent's load and take over a conversation", async () => {
    const lead = await createUser(stack, { name: 'Sofia Chen', role: 'supervisor' });
    await row(page, ANA.name).click();
    await page.getByTestId('assign-button').filter({ hasText: 'Assigned: me' }).waitFor();
    const opened = await newPage(stack);
    try {
      const sup = opened.page;
      await signIn(sup, lead);
      await sup.getByRole('link', { name: 'Supervisor' }).click();
      const maria = sup.getByTestId('agent-load').filter({ hasText: agent.name });
      await maria.waitFor();
      expect(await maria.locator('td').nth(2).textContent()).toBe('1');
      await sup.screenshot({ path: screenshotPath('supervisor') });

      const anaRow = sup
        .getByTestId('supervisor-conversations')
        .locator('> div > div')
        .filter({ hasText: ANA.name });
      await anaRow.getByRole('button', { name: 'Take over' }).click();
      await anaRow.getByText(lead.name).waitFor();
      // The agent's inbox follows live.
      await page
        .getByTestId('assign-button')
        .filter({ hasText: `Assigned: ${lead.name}` })
        .waitFor();
    } finally {
      await opened.context.close();
    }
  });

  it("shows an admin each number's coexistence health", async () => {
    const admin = await createUserWithMfa(stack, { name: 'Alex Admin', role: 'admin' });
    const opened = await newPage(stack);
    try {
      await signInWithMfa(opened.page, admin);
      await opened.page.getByRole('link', { name: 'Settings' }).click();
      const card = opened.page.getByTestId('number-card');
      await card.waitFor();
      expect(await card.getByTestId('connection-state').textContent()).toBe('Connected');
      // The owner typed on the phone in this test run: the 14-day clock restarted.
      expect(await card.getByTestId('days-left').textContent()).toMatch(
        /1[34] days left before the 14-day rule/,
      );
      await opened.page.screenshot({ path: screenshotPath('settings-numbers') });
    } finally {
      await opened.context.close();
    }
  });
});
