import type { BrowserContext, Page } from 'playwright-core';
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
const CARLA = { waId: '16505554321', name: 'Carla Mendes' };

function row(page: Page, name: string) {
  return page.getByTestId('conversation-row').filter({ hasText: name });
}

function bubble(page: Page, text: string) {
  return page.getByTestId('message').filter({ hasText: text });
}

const title = (page: Page, name: string) => page.getByTestId('conversation-title').filter({ hasText: name });

/** Records every browser notification the page shows (`window.__notifications`). */
const NOTIFICATION_SPY = `
  (() => {
    const Real = window.Notification;
    if (!Real) return;
    window.__notifications = [];
    function Spy(title, options) {
      window.__notifications.push({ title, body: (options && options.body) || '' });
      return new Real(title, options);
    }
    Object.defineProperty(Spy, 'permission', { get: () => Real.permission });
    Spy.requestPermission = (...args) => Real.requestPermission(...args);
    window.Notification = Spy;
  })();
`;

describe('the team inbox’s ergonomics against a real hub and sandbox', () => {
  let stack: Stack;
  let maria: TestUser;
  let sofia: TestUser;
  let page: Page;
  let context: BrowserContext;
  let token: string;
  let other: BrowserContext;
  let sofiaPage: Page;

  beforeAll(async () => {
    stack = await startStack({ customers: [ANA, BEN, CARLA] });
    maria = await createUser(stack, { name: 'Maria Lopez', role: 'agent' });
    sofia = await createUser(stack, { name: 'Sofia Chen', role: 'agent' });
    ({ token } = await createApiToken(stack.deps.database.db, {
      name: 'setup',
      role: 'admin',
      now: Date.now(),
    }));
    await stack.sandbox.control.customerText(ANA.waId, 'Hi! Is the blue jacket still in stock?');
    await stack.sandbox.control.customerText(BEN.waId, 'Can I book a table for 4 tonight?');
    await stack.sandbox.control.customerText(CARLA.waId, 'Where is my order A-1042?');
    const res = await fetch(`${stack.hub.url}/api/canned-replies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ shortcut: 'hours', text: 'We are open 9:00-18:00, Monday to Saturday.' }),
    });
    expect(res.status).toBe(201);
    // Every page loads now: another suite's web build replaces web/dist under a running hub.
    other = await stack.browser.newContext({
      baseURL: stack.hub.url,
      viewport: { width: 1366, height: 820 },
    });
    await other.grantPermissions(['notifications']);
    await other.addInitScript(NOTIFICATION_SPY);
    sofiaPage = await other.newPage();
    sofiaPage.on('pageerror', (error) => console.error('page error (Sofia):', error.message));
    await signIn(sofiaPage, sofia);
    await sofiaPage
      .getByTestId('conversation-list')
      .or(sofiaPage.getByText('No conversations here.'))
      .waitFor();
    const opened = await newPage(stack);
    page = opened.page;
    context = opened.context;
    page.on('pageerror', (error) => console.error('page error:', error.message));
    await signIn(page, maria);
    await page.getByTestId('conversation-list').or(page.getByText('No conversations here.')).waitFor();
    await page
      .getByRole('radiogroup', { name: 'Whose conversations' })
      .getByText('All', { exact: true })
      .click();
    for (const c of [ANA, BEN, CARLA]) await row(page, c.name).waitFor();
  });

  beforeEach((ctx) => {
    onTestFailed(async () => {
      await page?.screenshot({ path: failureScreenshotPath(ctx.task.name) }).catch(() => {});
    });
  });

  afterAll(async () => {
    await context?.close();
    await other?.close();
    await stack?.close();
  });

  it('asks for notification permission with a banner, never on page load', async () => {
    const banner = page.getByTestId('notification-banner');
    await banner.waitFor();
    expect(await page.evaluate(() => Notification.permission)).toBe('default');
    await page.screenshot({ path: screenshotPath('inbox-notification-banner') });
    await banner.getByRole('button', { name: 'Not now' }).click();
    await banner.waitFor({ state: 'hidden' });
  });

  it('triages three conversations with the keyboard alone: next, reply, leave the field, resolve, snooze, assign', async () => {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const order = await page.getByTestId('conversation-row').allTextContents();
    const names = [CARLA, BEN, ANA]
      .map((c) => c.name)
      .sort((a, b) => order.findIndex((t) => t.includes(a)) - order.findIndex((t) => t.includes(b)));
    const [first, second, third] = names as [string, string, string];

    // 1: open, reply, Escape out of the field, resolve.
    await page.keyboard.press('j');
    await title(page, first).waitFor();
    await page.keyboard.press('r');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('reply-input');
    await page.keyboard.type('On it, one moment please.');
    await page.keyboard.press('Enter');
    await bubble(page, 'On it, one moment please.').waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press('e');
    await page.getByTestId('status-button').filter({ hasText: 'Reopen' }).waitFor();

    // 2: next, snooze it for an hour from the menu, by keys.
    await page.keyboard.press('j');
    await title(page, second).waitFor();
    await page.keyboard.press('z');
    const inAnHour = page.getByRole('menuitem', { name: /In 1 hour/ });
    await inAnHour.waitFor();
    await page.screenshot({ path: screenshotPath('inbox-snooze-menu') });
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => inAnHour.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByTestId('snoozed').waitFor();
    expect(await page.getByTestId('conversation-status').textContent()).toBe('pending');

    // 3: next, assign to me from the menu, by keys.
    await page.keyboard.press('j');
    await title(page, third).waitFor();
    await page.keyboard.press('a');
    const assignToMe = page.getByRole('menuitem', { name: 'Assign to me' });
    await assignToMe.waitFor();
    for (let i = 0; i < 5; i++) {
      if (await assignToMe.evaluate((el) => el === document.activeElement)) break;
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    await page.getByTestId('assign-button').filter({ hasText: 'Assigned: me' }).waitFor();

    // The open list now holds the third one only: the first is resolved, the second snoozed.
    await expect.poll(() => page.getByTestId('conversation-row').count()).toBe(1);
    expect(await row(page, third).count()).toBe(1);
  });

  it('brings a snoozed conversation back to the open list when the customer writes', async () => {
    // The snoozed one is the only conversation still pending.
    const pending = (await (
      await fetch(`${stack.hub.url}/api/conversations?status=pending`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { data: { contact: { wa_id: string } | null }[] };
    expect(pending.data).toHaveLength(1);
    const waId = pending.data[0]?.contact?.wa_id;
    const customer = [ANA, BEN, CARLA].find((c) => c.waId === waId)!;
    expect(await row(page, customer.name).count()).toBe(0);
    await stack.sandbox.control.customerText(customer.waId, 'Hello? Still there?');
    // Back in the open list, live, without a reload; the header no longer says snoozed.
    await row(page, customer.name).filter({ hasText: 'Hello? Still there?' }).waitFor();
    await row(page, customer.name).click();
    await title(page, customer.name).waitFor();
    await expect.poll(() => page.getByTestId('conversation-status').textContent()).toBe('open');
    expect(await page.getByTestId('snoozed').count()).toBe(0);
  });

  it('reacts to a message and replies with a quote from its actions; both reach the sandbox customer', async () => {
    // Ana's conversation was resolved in the triage: look at every status.
    await page.locator('input[aria-label="Status"]').click();
    await page.getByRole('option', { name: 'Any status', exact: true }).click();
    await row(page, ANA.name).click();
    await title(page, ANA.name).waitFor();
    const question = bubble(page, 'Is the blue jacket still in stock?');
    await question.getByTestId('message-actions').click();
    await page.screenshot({ path: screenshotPath('inbox-message-actions') });
    await page.getByRole('menuitem', { name: 'React with 👍' }).click();
    await question.getByTestId('reactions').filter({ hasText: '👍' }).waitFor();
    await question.getByTestId('message-actions').click();
    await page.getByRole('menuitem', { name: 'Reply with quote' }).click();
    await page.getByTestId('replying-to').waitFor();
    await page.getByTestId('reply-input').fill('Yes, in M and L.');
    await page.getByTestId('reply-input').press('Enter');
    await bubble(page, 'Yes, in M and L.').getByTestId('quoted-message').waitFor();
    await waitUntil(async () => {
      const chat = (await stack.sandbox.control.chat(NUMBER_ID, ANA.waId)).data;
      const reaction = chat.some(
        (m) => m.source === 'api' && m.type === 'reaction' && JSON.stringify(m.content).includes('👍'),
      );
      const quoted = chat.some(
        (m) =>
          m.source === 'api' && JSON.stringify(m.content).includes('Yes, in M and L.') && m.context !== null,
      );
      return reaction && quoted;
    });
  });

  it('inserts a canned reply with / and the keyboard, and finds words within the conversation', async () => {
    await title(page, ANA.name).waitFor();
    await page.getByTestId('reply-input').focus();
    await page.keyboard.type('/ho');
    const suggestion = page.getByRole('option', { name: /\/hours/ });
    await suggestion.waitFor();
    await page.screenshot({ path: screenshotPath('inbox-canned-slash') });
    await page.keyboard.press('Tab');
    expect(await page.getByTestId('reply-input').inputValue()).toBe(
      'We are open 9:00-18:00, Monday to Saturday.',
    );
    await page.keyboard.press('Enter');
    await bubble(page, 'We are open 9:00-18:00').waitFor();

    // f: find in this conversation; Enter goes to the next (older) hit.
    await page.keyboard.press('Escape');
    await page.keyboard.press('f');
    const find = page.getByRole('searchbox', { name: 'Search in this conversation' });
    await find.waitFor();
    await find.fill('jacket');
    await expect.poll(() => page.getByTestId('conversation-search-count').textContent()).toBe('1/1');
    await page
      .locator('[data-testid="message"][data-highlighted="true"]')
      .filter({ hasText: 'blue jacket' })
      .waitFor();
    await find.fill('M');
    await find.fill('in');
    await expect
      .poll(async () => (await page.getByTestId('conversation-search-count').textContent()) ?? '')
      .toMatch(/^1\/\d+$/);
    await page.screenshot({ path: screenshotPath('inbox-find-in-conversation') });
    await find.press('Escape');
  });

  it('sends a pasted image and a dropped file as attachments, the text as the caption', async () => {
    await title(page, ANA.name).waitFor();
    const input = page.getByTestId('reply-input');
    await input.focus();
    await input.evaluate((el) => {
      // A 1×1 PNG, as a screenshot pasted from the clipboard.
      const bytes = Uint8Array.from(
        atob(
          'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
        ),
        (c) => c.charCodeAt(0),
      );
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'screenshot.png', { type: 'image/png' }));
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    });
    await page.getByTestId('attachments').filter({ hasText: 'screenshot.png' }).waitFor();
    await page.getByTestId('reply-form').evaluate((form) => {
      const data = new DataTransfer();
      data.items.add(new File(['Size guide: S 36, M 38, L 40'], 'sizes.pdf', { type: 'application/pdf' }));
      form.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await page.getByTestId('attachments').filter({ hasText: 'sizes.pdf' }).waitFor();
    await page.screenshot({ path: screenshotPath('inbox-attachments') });
    await input.fill('Here is the photo and our size guide');
    await input.press('Enter');
    await page.getByTestId('attachments').waitFor({ state: 'hidden' });
    await waitUntil(async () => {
      const chat = (await stack.sandbox.control.chat(NUMBER_ID, ANA.waId)).data.filter(
        (m) => m.source === 'api',
      );
      return (
        chat.some((m) => m.type === 'image' && JSON.stringify(m.content).includes('Here is the photo')) &&
        chat.some((m) => m.type === 'document' && JSON.stringify(m.content).includes('sizes.pdf'))
      );
    });
  });

  it('notifies a colleague @mentioned in a note: a browser notification and the mentions view', async () => {
    {
      // Permission already granted: no banner.
      expect(await sofiaPage.getByTestId('notification-banner').count()).toBe(0);

      await title(page, ANA.name).waitFor();
      await page.getByRole('tab', { name: 'Internal note' }).click();
      const note = page.getByTestId('note-input');
      await note.focus();
      await page.keyboard.type('Can you check the stock, @So');
      await page.getByRole('option', { name: 'Sofia Chen' }).waitFor();
      await page.screenshot({ path: screenshotPath('inbox-mention-autocomplete') });
      await page.keyboard.press('Enter');
      await page.keyboard.type('? Thanks');
      expect(await note.inputValue()).toBe('Can you check the stock, @Sofia Chen ? Thanks');
      await page.getByRole('button', { name: 'Add note' }).click();
      await page.getByTestId('note').filter({ hasText: '@Sofia Chen' }).waitFor();

      await expect
        .poll(() =>
          sofiaPage.evaluate(() => (window as unknown as { __notifications?: unknown[] }).__notifications),
        )
        .toEqual([
          { title: `You were mentioned in the conversation with ${ANA.name}`, body: expect.any(String) },
        ]);
      const mentions = sofiaPage.getByTestId('mentions-view');
      await expect.poll(() => mentions.textContent()).toContain('1');
      await mentions.click();
      const mention = sofiaPage.getByTestId('mention-row').filter({ hasText: ANA.name });
      await mention.waitFor();
      expect(await mention.textContent()).toContain('Maria Lopez mentioned you');
      await sofiaPage.screenshot({ path: screenshotPath('inbox-mentions') });
      await mention.click();
      await sofiaPage.getByTestId('note').filter({ hasText: '@Sofia Chen' }).waitFor();
      // Seen: the count goes.
      await expect.poll(() => mentions.textContent()).not.toContain('1');
    }
  });
});
