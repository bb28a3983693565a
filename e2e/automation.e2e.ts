import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { SANDBOX_DEFAULTS } from '../sandbox/index.ts';
import { seedAutomationDemo } from '../src/automation/flows/demo-seed.ts';
import {
  createUser,
  createUserWithMfa,
  failureScreenshotPath,
  NUMBER_ID,
  newPage,
  type Stack,
  screenshotPath,
  settledScreenshot,
  signIn,
  signInWithMfa,
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

// Evaluated through the DevTools protocol: the hub's Content Security Policy forbids inline scripts.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is now (as accessibility.e2e.ts). */
async function seriousViolations(target: Page): Promise<string[]> {
  await target.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  await target.evaluate(AXE);
  const violations = (await target.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected as a global script.
    const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  })) as { id: string; impact: string | null; nodes: { target: string[] }[] }[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
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
    // The retry asks again; Ana answers once it arrived (the handoff cancels a prompt still queued).
    await waitUntil(
      async () => (await sentTo(stack, ANA.waId)).filter((t) => t.includes('And your email?')).length === 2,
      150,
    );
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
    // The bot's messages say which flow sent them.
    await page
      .locator('[data-testid="message-origin"][data-automation="flow"]')
      .filter({ hasText: 'Bot flow · Welcome v1' })
      .first()
      .waitFor();
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
    // Add a question with the step's form, and connect the greeting to it.
    await page.getByRole('button', { name: 'Add step' }).click();
    await page.getByRole('menuitem', { name: 'Ask a question' }).click();
    const form = page.getByTestId('step-form');
    await form.getByLabel('Step id').fill('when');
    await form.getByLabel('Step id').press('Enter');
    await expect.poll(() => page.locator('[data-step="when"]').count()).toBe(1);
    await form.getByLabel('Question').fill('Which day would you like to come?');
    await form.getByLabel('Save the answer to').fill('visit_date');
    await form.getByLabel('Answer must be').click();
    await page.getByRole('option', { name: 'a date', exact: true }).click();
    await form.getByLabel('Retry prompt').fill('Please write a date like 28/02/2026.');
    await page.locator('[data-step="hello"]').click();
    await form.getByLabel('Message').fill('Hello! Let us book your visit.');
    await form.getByLabel('Then').click();
    await page.getByRole('option', { name: 'when', exact: true }).click();
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(1);
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

  it('creates, refuses, orders and runs rules (when → if → then); the timeline says a rule sent it', async () => {
    await page.goto('/automation/rules');
    await page.getByRole('button', { name: 'New rule' }).click();
    const editor = page.getByTestId('rule-editor');
    await editor.getByLabel('Rule name').fill('Price list');
    await editor.getByRole('combobox', { name: 'Trigger' }).click();
    await page.getByRole('option', { name: 'A message has a keyword' }).click();
    await editor.getByLabel('Message').fill('Our prices: coffee 2 €, cake 3 €.');
    // No keyword yet: the server refuses and says which field.
    await editor.getByRole('button', { name: 'Create rule' }).click();
    await expect.poll(() => editor.getByTestId('form-error').textContent()).toContain('/trigger/keywords');
    await editor.getByLabel('Keywords').fill('price');
    await editor.getByLabel('Keywords').press('Enter');
    await editor.getByRole('button', { name: 'Add condition' }).click();
    await editor.getByRole('combobox', { name: 'Condition 1' }).click();
    await page.getByRole('option', { name: 'VIP', exact: true }).click();
    await editor.getByRole('combobox', { name: 'VIP', exact: true }).click();
    await page.getByRole('option', { name: 'no', exact: true }).click();
    await page.screenshot({ path: screenshotPath('automation-rule-editor') });
    await editor.getByRole('button', { name: 'Create rule' }).click();
    await page.locator('[data-testid="rule-row"][data-rule="Price list"]').waitFor();

    await page.getByRole('button', { name: 'New rule' }).click();
    await editor.getByLabel('Rule name').fill('Resolved note');
    await editor.getByRole('combobox', { name: 'Trigger' }).click();
    await page.getByRole('option', { name: 'A conversation is resolved' }).click();
    await editor.getByRole('combobox', { name: 'Action 1' }).click();
    await page.getByRole('option', { name: 'Add an internal note' }).click();
    await editor.getByLabel('Note').fill('Resolved; the bot may answer again.');
    await editor.getByRole('button', { name: 'Create rule' }).click();
    await page.locator('[data-testid="rule-row"][data-rule="Resolved note"]').waitFor();

    // A send action's content may be reply buttons, a list or media too, not only text.
    await page.getByRole('button', { name: 'New rule' }).click();
    await editor.getByLabel('Message').fill('Pick one');
    await editor.getByRole('combobox', { name: 'Content' }).click();
    await page.getByRole('option', { name: 'Text with buttons' }).click();
    await expect.poll(() => editor.getByLabel('Button 1', { exact: true }).inputValue()).toBe('Option 1');
    expect(await editor.getByLabel('Message').inputValue()).toBe('Pick one');
    await editor.getByRole('combobox', { name: 'Content' }).click();
    await page.getByRole('option', { name: 'List' }).click();
    await expect
      .poll(() => editor.getByLabel(/as POST \/api\/messages takes it/).inputValue())
      .toContain('"type": "list"');
    await editor.getByRole('button', { name: 'Cancel' }).click();
    const order = () =>
      page.getByTestId('rule-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-rule')));
    expect(await order()).toEqual(['Price list', 'Resolved note']);
    await page.getByRole('button', { name: 'Move Resolved note up' }).click();
    await expect.poll(order).toEqual(['Resolved note', 'Price list']);
    await page.reload();
    await expect.poll(order).toEqual(['Resolved note', 'Price list']);
    await page.screenshot({ path: screenshotPath('automation-rules') });

    // Ben's flow run has ended (he got the opening hours), so the keyword rule answers him.
    await stack.sandbox.control.customerText(BEN.waId, 'What is the price of a coffee?');
    await waitForSent(stack, BEN.waId, 'Our prices');
    await page.goto('/inbox');
    await page
      .getByRole('radiogroup', { name: 'Whose conversations' })
      .getByText('All', { exact: true })
      .click();
    await page.getByTestId('conversation-row').filter({ hasText: BEN.name }).click();
    await page
      .locator('[data-testid="message-origin"][data-automation="rule"]')
      .filter({ hasText: 'Rule · Price list' })
      .waitFor();
    await page.locator('[data-testid="message-origin"][data-automation="flow"]').first().waitFor();
    await page.screenshot({ path: screenshotPath('automation-origins') });

    // The rule's run log: the welcome flow handed Ana's conversation off to Sales, which keeps it
    // with humans, so the rule runs there and does nothing, and says why; Ben's run says what it sent.
    const db = stack.deps.database.db;
    await stack.sandbox.control.customerText(ANA.waId, 'And the price of a cake?');
    await waitUntil(async () => {
      const runs = await db
        .selectFrom('automation_runs')
        .innerJoin('automation_rules', 'automation_rules.id', 'automation_runs.rule_id')
        .select('automation_runs.outcome')
        .where('automation_rules.name', '=', 'Price list')
        .execute();
      return runs.some((r) => r.outcome === 'skipped');
    }, 150);
    await page.goto('/automation/rules');
    await page.getByRole('button', { name: 'Runs of Price list' }).click();
    const log = page.getByTestId('rule-runs');
    await log
      .locator('[data-testid="rule-run"][data-outcome="done"]')
      .filter({ hasText: 'Send a message: message queued' })
      .waitFor();
    const skipped = log.locator('[data-testid="rule-run"][data-outcome="skipped"]');
    await skipped
      .filter({ hasText: 'No action could be done' })
      .filter({ hasText: 'not sent: kept with humans until a hand back or resolve' })
      .waitFor();
    await settledScreenshot(page, 'automation-rule-runs');
    await log.getByRole('radiogroup', { name: 'Outcome' }).getByText('Did nothing', { exact: true }).click();
    await expect.poll(() => log.getByTestId('rule-run').count()).toBe(1);
    await log.getByRole('radiogroup', { name: 'Outcome' }).getByText('Failed', { exact: true }).click();
    await log.getByText('No runs match these filters.').waitFor();
    await page.keyboard.press('Escape');

    // The same log in Spanish: the trigger, the reason and each action's line, none of the hub's English.
    await page.evaluate(() => localStorage.setItem('coexist.language', 'es'));
    await page.reload();
    await page.getByRole('button', { name: 'Ejecuciones de Price list' }).click();
    const registro = page.getByTestId('rule-runs');
    const omitida = registro.locator('[data-testid="rule-run"][data-outcome="skipped"]');
    await omitida
      .filter({ hasText: 'No se pudo hacer ninguna acción' })
      .filter({
        hasText:
          '✗ Enviar un mensaje: no enviado: se queda con las personas hasta que la devuelvan o se resuelva',
      })
      .waitFor();
    await registro
      .locator('[data-testid="rule-run"][data-outcome="done"]')
      .filter({ hasText: '✓ Enviar un mensaje: mensaje en cola' })
      .waitFor();
    const shown = ((await registro.textContent()) ?? '').toLowerCase();
    for (const english of [
      'queued message',
      'keep_with_humans',
      'no action could be done',
      'a customer writes',
    ])
      expect(shown).not.toContain(english);
    await page.keyboard.press('Escape');
    await page.evaluate(() => localStorage.setItem('coexist.language', 'en'));
    await page.reload();
    await page.getByRole('button', { name: 'Runs of Price list' }).waitFor();
  });

  it('keeps a conversation with humans past the silence until a hand back; auditors cannot', async () => {
    // Ben's conversation, with the bot (the keyword rule has just answered him).
    await page.goto('/inbox');
    await page
      .getByRole('radiogroup', { name: 'Whose conversations' })
      .getByText('All', { exact: true })
      .click();
    await page.getByTestId('conversation-row').filter({ hasText: BEN.name }).click();
    const bar = page.getByTestId('control-bar');
    await expect.poll(() => bar.getAttribute('data-state')).toBe('automation');
    const conversationId = new URL(page.url()).pathname.split('/').pop() ?? '';
    const control = async () =>
      (await (await page.request.get(`/api/conversations/${conversationId}/control`)).json()) as {
        state: string;
        reason: string | null;
        keep_with_humans: boolean;
        paused_until: string | null;
        by: { kind: string; id: string | null } | null;
      };
    expect((await control()).keep_with_humans).toBe(false);

    await bar.getByRole('button', { name: 'Keep with humans' }).click();
    await page.getByText('Kept with humans until a hand back').waitFor();
    await expect.poll(() => bar.getAttribute('data-keep')).toBe('true');
    expect(await bar.getAttribute('data-state')).toBe('human');
    await expect
      .poll(() => page.getByTestId('control-description').textContent())
      .toMatch(/^Kept with humans by Sam Lead since \d/);
    expect(await bar.getByRole('button', { name: 'Keep with humans' }).count()).toBe(0);
    expect(await control()).toMatchObject({
      state: 'human',
      reason: 'keep_with_humans',
      keep_with_humans: true,
      paused_until: null,
      by: { kind: 'user', id: lead.id },
    });

    // The humans' silence runs out (the take over's pause moved into the past): still held.
    await stack.deps.database.db
      .updateTable('conversation_control')
      .set({ paused_until: Date.now() - 60_000 })
      .where('conversation_id', '=', conversationId)
      .execute();
    expect(await control()).toMatchObject({
      state: 'human',
      reason: 'keep_with_humans',
      keep_with_humans: true,
    });
    await page.reload();
    await expect.poll(() => page.getByTestId('control-bar').getAttribute('data-keep')).toBe('true');
    expect(await page.getByTestId('control-description').textContent()).toContain(
      'Kept with humans by Sam Lead',
    );
    // The keyword rule that answered Ben's last question runs again, and sends nothing: it says why.
    const db = stack.deps.database.db;
    const skippedRuns = async () =>
      (
        await db
          .selectFrom('automation_runs')
          .innerJoin('automation_rules', 'automation_rules.id', 'automation_runs.rule_id')
          .select(['automation_runs.outcome', 'automation_runs.steps_json'])
          .where('automation_rules.name', '=', 'Price list')
          .where('automation_runs.conversation_id', '=', conversationId)
          .where('automation_runs.outcome', '=', 'skipped')
          .where('automation_runs.finished_at', 'is not', null)
          .execute()
      ).map((r) => r.steps_json);
    expect(await skippedRuns()).toEqual([]);
    const before = (await sentTo(stack, BEN.waId)).length;
    await stack.sandbox.control.customerText(BEN.waId, 'And the price of a cake?');
    await page.getByTestId('message').filter({ hasText: 'price of a cake' }).waitFor();
    await waitUntil(async () => (await skippedRuns()).length === 1, 150);
    expect((await skippedRuns())[0]).toContain('keep_with_humans');
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await sentTo(stack, BEN.waId)).length).toBe(before);
    await settledScreenshot(page, 'automation-kept-with-humans');

    // An auditor sees the state but has no actions, and the API refuses them the action too.
    const auditor = await createUser(stack, { name: 'Iris Audit', role: 'auditor' });
    const opened = await newPage(stack);
    try {
      const auditorPage = opened.page;
      await signIn(auditorPage, auditor);
      await auditorPage.getByRole('navigation').first().waitFor();
      await auditorPage.goto(`/inbox/${conversationId}`);
      const auditorBar = auditorPage.getByTestId('control-bar');
      await expect.poll(() => auditorBar.getAttribute('data-keep')).toBe('true');
      expect(await auditorPage.getByTestId('control-description').textContent()).toContain(
        'Kept with humans by',
      );
      expect(await auditorBar.getByRole('button').count()).toBe(0);
      const csrf = (await opened.context.cookies()).find((c) => c.name === 'coexist_csrf')?.value ?? '';
      const refused = await auditorPage.request.post(
        `/api/conversations/${conversationId}/control/hand-back`,
        {
          headers: { 'x-csrf-token': csrf },
          data: {},
        },
      );
      expect([refused.status(), JSON.stringify(await refused.json())]).toEqual([
        403,
        expect.stringContaining('FORBIDDEN'),
      ]);
    } finally {
      await opened.context.close();
    }
    expect((await control()).keep_with_humans).toBe(true);

    // "Hand back" clears it: the bot may answer again, and the bar offers to keep it again.
    await page.getByTestId('control-bar').getByRole('button', { name: 'Hand back to the bot' }).click();
    await expect.poll(() => page.getByTestId('control-bar').getAttribute('data-state')).toBe('automation');
    expect(await page.getByTestId('control-bar').getAttribute('data-keep')).toBe('false');
    expect(await control()).toMatchObject({ state: 'automation', reason: null, keep_with_humans: false });
    await page.getByTestId('control-bar').getByRole('button', { name: 'Keep with humans' }).waitFor();
  });

  it('sets business hours with a time zone and holidays, a routing policy, an agent profile and a VIP', async () => {
    await page.goto('/automation/business-hours');
    await page.getByRole('combobox', { name: 'Time zone' }).click();
    await page.getByRole('combobox', { name: 'Time zone' }).fill('America/Mexico_City');
    await page.getByRole('option', { name: 'America/Mexico_City' }).click();
    await page.getByLabel('Saturday', { exact: true }).check();
    await page.getByLabel('Saturday closes').fill('14:00');
    // An interval that ends before it starts: the server says which one.
    await page.getByLabel('Monday closes').fill('08:00');
    await page.getByRole('button', { name: 'Save business hours' }).click();
    await expect.poll(() => page.getByTestId('form-error').textContent()).toContain('/weekly/mon/0');
    await page.getByLabel('Monday closes').fill('18:00');
    await page.getByRole('combobox', { name: 'Holidays' }).fill('2026-12-25');
    await page.getByRole('combobox', { name: 'Holidays' }).press('Enter');
    await page.getByLabel('Out-of-hours reply').fill("We're closed now; we answer from 9:00 (Mexico City).");
    await page.getByRole('button', { name: 'Save business hours' }).click();
    await page.getByTestId('open-now').waitFor();
    await page.reload();
    await expect
      .poll(() => page.getByRole('combobox', { name: 'Time zone' }).inputValue())
      .toBe('America/Mexico_City');
    await page.getByText('2026-12-25').waitFor();
    await page.screenshot({ path: screenshotPath('automation-business-hours') });

    await page.goto('/automation/routing');
    await page.getByRole('button', { name: 'New policy' }).click();
    const policy = page.getByTestId('policy-form');
    await policy.getByLabel('Policy name').fill('Sales round-robin');
    await policy.getByText('Round-robin', { exact: true }).click();
    await policy.getByRole('button', { name: 'Create policy' }).click();
    await page
      .getByTestId('policy-row')
      .filter({ hasText: 'Sales round-robin' })
      .getByText('round-robin', { exact: true })
      .waitFor();
    await page.getByRole('combobox', { name: 'Agent' }).click();
    await page.getByRole('option', { name: lead.name }).click();
    await page.getByRole('combobox', { name: 'Skills' }).fill('billing');
    await page.getByRole('combobox', { name: 'Skills' }).press('Enter');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Routing profile saved').waitFor();
    await page.screenshot({ path: screenshotPath('automation-routing') });

    await page.goto('/automation/vips');
    await page.getByRole('combobox', { name: 'Add a VIP' }).fill('Ana');
    await page.getByRole('option', { name: /Ana Ruiz/ }).click();
    await page.getByLabel('Note').fill('Owner answers her personally');
    await page.getByRole('button', { name: 'Mark as VIP' }).click();
    await page.getByTestId('vip-row').filter({ hasText: 'Owner answers her personally' }).waitFor();
    await page.screenshot({ path: screenshotPath('automation-vips') });

    // The number's handoff settings: the humans' silence and the loop breaker, 30 and 20 by default.
    await page.goto('/automation/handoff');
    const handoff = page.getByTestId('handoff-settings');
    const silence = handoff.getByLabel(/silence before automation answers again/);
    await expect.poll(() => silence.inputValue()).toBe('30');
    expect(await handoff.getByLabel(/Loop breaker/).inputValue()).toBe('20');
    await silence.fill('45');
    await handoff.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Handoff settings saved').waitFor();
    const stored = await stack.deps.database.db
      .selectFrom('automation_settings')
      .select(['human_silence_ms', 'loop_cap_per_hour'])
      .where('phone_number_id', '=', NUMBER_ID)
      .executeTakeFirstOrThrow();
    expect([Number(stored.human_silence_ms), stored.loop_cap_per_hour]).toEqual([45 * 60_000, 20]);
    await page.reload();
    await expect
      .poll(() =>
        page
          .getByTestId('handoff-settings')
          .getByLabel(/silence/)
          .inputValue(),
      )
      .toBe('45');
  });

  it("lets an admin set a number's AI reply provider, the key write-only and stored sealed; a supervisor has no such tab", async () => {
    await page.getByRole('tab', { name: 'Handoff' }).waitFor();
    expect(await page.getByRole('tab', { name: 'AI reply' }).count()).toBe(0);
    const admin = await createUserWithMfa(stack, { name: 'Ada Admin', role: 'admin' });
    const opened = await newPage(stack);
    try {
      const adminPage = opened.page;
      await signInWithMfa(adminPage, admin);
      // Signed in once the side bar shows; its Automation section opens on the flows.
      await adminPage.getByRole('link', { name: 'Automation', exact: true }).click();
      await adminPage.getByRole('tab', { name: 'AI reply' }).click();
      const form = adminPage.getByTestId('ai-settings');
      await expect.poll(() => form.getByTestId('ai-key-state').textContent()).toBe('no key');
      expect(await form.getByRole('switch', { name: 'AI replies on' }).isChecked()).toBe(false);
      await form.getByLabel('Base URL').fill('http://127.0.0.1:9/v1');
      await form.getByLabel('Model').fill('stand-in-1');
      await form.getByLabel('API key').fill('sk-e2e-secret-123');
      await form.getByRole('switch', { name: 'AI replies on' }).check();
      await form.getByRole('button', { name: 'Save AI settings' }).click();
      await adminPage.getByText('AI reply settings saved').waitFor();
      await expect.poll(() => adminPage.getByTestId('ai-key-state').textContent()).toBe('key stored');
      const row = await stack.deps.database.db
        .selectFrom('ai_settings')
        .selectAll()
        .where('phone_number_id', '=', NUMBER_ID)
        .executeTakeFirstOrThrow();
      expect([row.enabled, row.base_url, row.model]).toEqual([1, 'http://127.0.0.1:9/v1', 'stand-in-1']);
      expect(row.api_key).not.toBeNull();
      expect(row.api_key).not.toContain('sk-e2e-secret-123');
      // The key never comes back to the page; removing it leaves the rest.
      expect(await adminPage.getByTestId('ai-settings').getByLabel('API key').inputValue()).toBe('');
      await adminPage.getByRole('button', { name: 'Remove the key' }).click();
      await expect.poll(() => adminPage.getByTestId('ai-key-state').textContent()).toBe('no key');
      // The two settings tabs pass axe-core with an admin's data too (accessibility.e2e.ts checks them as an owner).
      const found: Record<string, string[]> = { ai: await seriousViolations(adminPage) };
      await adminPage.getByRole('tab', { name: 'Handoff' }).click();
      await adminPage.getByTestId('handoff-settings').waitFor();
      found.handoff = await seriousViolations(adminPage);
      expect(found).toEqual({ ai: [], handoff: [] });
    } finally {
      await opened.context.close();
    }
  });
});
