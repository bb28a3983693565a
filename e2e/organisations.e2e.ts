import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { seedContact, seedConversation, seedNumber } from '../src/testing/seed.ts';
import {
  createUser,
  createUserWithMfa,
  currentTotp,
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
/** Bloom Ltd's own business account and number (the provider's second business). */
const BLOOM_WABA = '300000000000001';
const BLOOM_NUMBER = '300000000000002';
const BEA = { email: 'bea@bloom.test', name: 'Bea Bloom', password: 'bloom owner password 1' };

/** Shows everyone's conversations in the inbox and waits until the list has settled. */
async function showAllConversations(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Inbox' }).first().click();
  await page
    .getByRole('radiogroup', { name: 'Whose conversations' })
    .getByText('All', { exact: true })
    .click();
}

const rowOf = (page: Page, name: string) => page.getByTestId('conversation-row').filter({ hasText: name });

describe('organisations in the web app: the provider hosts a second business', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ customers: [ANA] });
    // The first business's number talks to Ana.
    await stack.sandbox.control.customerText(ANA.waId, 'Do you have tulips today?');
    const db = stack.deps.database.db;
    await waitUntil(async () => {
      const row = await db
        .selectFrom('conversations')
        .select('id')
        .where('phone_number_id', '=', NUMBER_ID)
        .executeTakeFirst();
      return row !== undefined;
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('the provider creates an organisation and invites its owner, who joins; each one sees its own; a member of both switches; members are invited and their role changed', async (ctx) => {
    const db = stack.deps.database.db;
    const provider = await createUserWithMfa(stack, { name: 'Paula Provider', role: 'owner' });
    await db.updateTable('users').set({ provider_admin: 1 }).where('id', '=', provider.id).execute();
    const alex = await createUser(stack, { name: 'Alex Agent', role: 'agent' });
    const pages: Page[] = [];
    onTestFailed(async () => {
      for (const [i, p] of pages.entries())
        await p.screenshot({ path: failureScreenshotPath(`${i}-${ctx.task.name}`) }).catch(() => {});
    });

    // The provider administrator creates Bloom Ltd and invites its owner.
    const { context: providerContext, page } = await newPage(stack, { width: 1280, height: 900 });
    pages.push(page);
    await signInWithMfa(page, provider);
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Organisations' })
      .click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Bloom Ltd');
    await page.getByLabel("Owner's email").fill(BEA.email);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByText('Bloom Ltd was created.').waitFor();
    const link = (await page.getByTestId('invitation-url').textContent())?.trim() ?? '';
    expect(link).toMatch(/\/invite#inv_/);
    const bloom = await db
      .selectFrom('organisations')
      .select('id')
      .where('name', '=', 'Bloom Ltd')
      .executeTakeFirstOrThrow();
    await page.getByRole('button', { name: 'Details of Bloom Ltd' }).click();
    await page.getByTestId('invitations-table').getByText(BEA.email).waitFor();
    await settledScreenshot(page, 'organisations');

    // Bloom's number (its account claimed by Bloom) and a conversation of its own.
    const now = Date.now();
    await seedNumber(
      db,
      { id: BLOOM_NUMBER, waba_id: BLOOM_WABA, display_phone_number: '15550000777', verified_name: 'Bloom' },
      { wabaName: 'Bloom' },
    );
    await db.updateTable('wabas').set({ organisation_id: bloom.id }).where('id', '=', BLOOM_WABA).execute();
    await seedContact(db, {
      id: 'contact-bruno',
      phone_number_id: BLOOM_NUMBER,
      wa_id: '16505559999',
      profile_name: 'Bruno Costa',
      profile_name_at: now,
      created_at: now,
      updated_at: now,
    });
    await seedConversation(db, {
      id: 'conversation-bruno',
      phone_number_id: BLOOM_NUMBER,
      contact_id: 'contact-bruno',
      window_expires_at: now + 86_400_000,
      last_customer_message_at: now,
      last_message_at: now,
      last_message_preview: 'Do you deliver on Sundays?',
      created_at: now,
      updated_at: now,
    });

    // Bea opens the link: a new account, a password, then MFA enrolment (owners must have it).
    const { context: beaContext, page: bea } = await newPage(stack, { width: 1280, height: 900 });
    pages.push(bea);
    await bea.goto(link);
    await bea.getByText('You are invited to Bloom Ltd as Owner.').waitFor();
    await bea.getByLabel('Your name').fill(BEA.name);
    await bea.getByRole('textbox', { name: 'Password', exact: true }).fill(BEA.password);
    await bea.getByLabel('Repeat the password').fill(BEA.password);
    await settledScreenshot(bea, 'invitation-accept');
    await bea.getByRole('button', { name: 'Join Bloom Ltd' }).click();
    await bea.getByTestId('mfa-qr').waitFor();
    const secret = (await bea.getByTestId('mfa-secret').textContent())?.trim() ?? '';
    await bea.getByRole('textbox', { name: 'One-time code' }).fill(await currentTotp(secret));
    await bea.getByRole('button', { name: 'Turn on' }).click();
    await bea.getByRole('button', { name: 'Continue to the inbox' }).click();

    // Bea sees Bloom's conversation and number, and nothing of the first business.
    await showAllConversations(bea);
    await rowOf(bea, 'Bruno Costa').waitFor();
    expect(await rowOf(bea, ANA.name).count()).toBe(0);
    const numbers = (await (await bea.request.get('/api/numbers')).json()) as { data: { id: string }[] };
    expect(numbers.data.map((n) => n.id)).toEqual([BLOOM_NUMBER]);
    expect(await bea.getByTestId('organisation-switcher').count()).toBe(0);
    const sections = bea.getByRole('navigation', { name: 'Sections' });
    expect(await sections.getByRole('link', { name: 'Organisations' }).count()).toBe(0);

    // Bea invites Alex (already an agent of the first business) and Dan, then revokes Dan's link.
    await bea.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Members' }).click();
    const inviteForm = bea.getByRole('form', { name: 'Invite someone' });
    await inviteForm.getByLabel('Email').fill(alex.email);
    await inviteForm.getByRole('button', { name: 'Invite' }).click();
    const alexLink = (await bea.getByTestId('invitation-url').textContent())?.trim() ?? '';
    await inviteForm.getByLabel('Email').fill('dan@bloom.test');
    await inviteForm.getByRole('button', { name: 'Invite' }).click();
    const invitations = bea.getByTestId('invitations-table');
    await invitations.getByText('dan@bloom.test').waitFor();
    await bea.getByRole('button', { name: 'Revoke the invitation for dan@bloom.test' }).click();
    await invitations.getByRole('row').filter({ hasText: 'dan@bloom.test' }).getByText('Revoked').waitFor();

    // Alex joins with the password of the account Alex already has, and is in both businesses now.
    const { context: alexContext, page: alexPage } = await newPage(stack, { width: 1280, height: 900 });
    pages.push(alexPage);
    await alexPage.goto(alexLink);
    await alexPage.getByText('You already have an account: give its password to join.').waitFor();
    await alexPage.getByLabel('Your current password').fill(alex.password);
    await alexPage.getByRole('button', { name: 'Join Bloom Ltd' }).click();
    // Signed in, in the first organisation (the oldest membership): Ana, not Bruno.
    const switcher = alexPage.locator('input[aria-label="Organisation"]');
    await switcher.waitFor();
    await showAllConversations(alexPage);
    await rowOf(alexPage, ANA.name).waitFor();
    expect(await rowOf(alexPage, 'Bruno Costa').count()).toBe(0);
    await switcher.click();
    await alexPage.getByRole('option', { name: 'Bloom Ltd' }).click();
    await rowOf(alexPage, 'Bruno Costa').waitFor();
    await waitUntil(async () => (await rowOf(alexPage, ANA.name).count()) === 0);
    expect(await switcher.inputValue()).toBe('Bloom Ltd');
    await settledScreenshot(alexPage, 'organisation-switcher');
    // And back.
    await switcher.click();
    await alexPage.getByRole('option', { name: 'Default', exact: true }).click();
    await rowOf(alexPage, ANA.name).waitFor();
    await waitUntil(async () => (await rowOf(alexPage, 'Bruno Costa').count()) === 0);

    // Bea makes Alex a supervisor in Bloom; Alex stays an agent in the first business.
    await bea.reload();
    const members = bea.getByTestId('members-table');
    await members.getByText(alex.email).waitFor();
    await bea.locator('input[aria-label="Role of Alex Agent"]').click();
    await bea.getByRole('option', { name: 'Supervisor' }).click();
    const roleIn = async (organisationId: string) =>
      (
        await db
          .selectFrom('organisation_members')
          .select('role')
          .where('organisation_id', '=', organisationId)
          .where('user_id', '=', alex.id)
          .executeTakeFirst()
      )?.role;
    await waitUntil(async () => (await roleIn(bloom.id)) === 'supervisor');
    expect(await roleIn('org_default')).toBe('agent');
    await members.getByText(alex.email).waitFor();
    await settledScreenshot(bea, 'organisation-members');

    // Bea removes Alex from Bloom: the account and its first membership stay.
    await bea.getByRole('button', { name: 'Remove Alex Agent' }).click();
    await bea.getByRole('button', { name: 'Remove Alex Agent?' }).click();
    await waitUntil(async () => (await roleIn(bloom.id)) === undefined);
    expect(await roleIn('org_default')).toBe('agent');
    await waitUntil(async () => (await members.getByText(alex.email).count()) === 0);

    // The provider administrator switches to Bloom from the Organisations page and sees only its data.
    await page.getByRole('button', { name: 'Switch to Bloom Ltd' }).click();
    await page.locator('input[aria-label="Organisation"]').waitFor();
    await waitUntil(
      async () => (await page.locator('input[aria-label="Organisation"]').inputValue()) === 'Bloom Ltd',
    );
    await showAllConversations(page);
    await rowOf(page, 'Bruno Costa').waitFor();
    expect(await rowOf(page, ANA.name).count()).toBe(0);

    await providerContext.close();
    await beaContext.close();
    await alexContext.close();
  }, 240_000);

  it('an invitation link that was revoked or used says so', async () => {
    const { context, page } = await newPage(stack);
    try {
      await page.goto('/invite#inv_not-a-real-token-at-all');
      await page.getByText(/This invitation link is not valid/).waitFor();
      await page.getByRole('button', { name: 'Go to sign in' }).click();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      // The first business's agent still signs in there as before.
      const agent = await createUser(stack, { name: 'Otto Other', role: 'agent' });
      await signIn(page, agent);
      await page.getByRole('link', { name: 'Inbox' }).first().waitFor();
      expect(await page.getByTestId('organisation-switcher').count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
