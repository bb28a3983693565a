import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { SIGNUP_DEFAULTS } from '../sandbox/index.ts';
import {
  createUser,
  failureScreenshotPath,
  newPage,
  type Stack,
  settledScreenshot,
  signIn,
  startStack,
  type TestUser,
  waitUntil,
} from './harness.ts';

const TEMPLATE = 'order_ready';
/** A small, valid PNG (1×1, RGBA) as the media header's sample. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwAFgwJ/lK3Q6wAAAABJRU5ErkJggg==',
  'base64',
);

describe('the template editor: named variables, a media header and buttons, approved by the sandbox', () => {
  let stack: Stack;
  let lead: TestUser;
  let page: Page;
  let closePage: () => Promise<void>;

  beforeAll(async () => {
    // Media header samples go through Meta's Resumable Upload API, which belongs to the app.
    stack = await startStack({
      customers: [{ waId: '34611300001', name: 'Ana Ruiz' }],
      env: { META_APP_ID: SIGNUP_DEFAULTS.appId },
    });
    lead = await createUser(stack, { name: 'Sofia Lead', role: 'supervisor' });
    await stack.sandbox.control.customerText('34611300001', 'Hola');
    await waitUntil(async () =>
      Boolean(await stack.deps.database.db.selectFrom('phone_numbers').select('id').executeTakeFirst()),
    );
    const opened = await newPage(stack, { width: 1440, height: 1000 });
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

  it('creates a utility template with named variables, an image header and four kinds of buttons; the sandbox approves it', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Templates' }).click();
    await page.getByRole('button', { name: 'New template' }).click();
    const dialog = page.getByRole('dialog', { name: 'New template' });
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill(TEMPLATE);
    await dialog.getByRole('combobox', { name: 'Category' }).click();
    await page.getByRole('option', { name: 'Utility', exact: true }).click();
    await dialog.getByText('Named {{first_name}}').click();
    await dialog.getByRole('combobox', { name: 'Header', exact: true }).click();
    await page.getByRole('option', { name: 'Image', exact: true }).click();
    await dialog
      .locator('input[type=file]')
      .setInputFiles({ name: 'shoes.png', mimeType: 'image/png', buffer: PNG });
    await dialog.getByTestId('sample-uploaded').waitFor();
    await dialog
      .getByRole('textbox', { name: 'Body' })
      .fill('Hi {{first_name}}, your order *{{order_id}}* is ready for pickup.');
    await dialog.getByRole('textbox', { name: 'Footer' }).fill('Tienda Sol');
    const addButton = async (kind: string) => {
      await dialog.getByRole('button', { name: 'Add button' }).click();
      await page.getByRole('menuitem', { name: kind }).click();
    };
    await addButton('Website');
    const url = dialog.getByTestId('button-row-0');
    await url.getByRole('textbox', { name: 'Button text' }).fill('Track order');
    await url.getByRole('textbox', { name: 'URL' }).fill('https://shop.test/orders/{{1}}');
    await url.getByRole('textbox', { name: 'Example' }).fill('A-17');
    await addButton('Call');
    const call = dialog.getByTestId('button-row-1');
    await call.getByRole('textbox', { name: 'Button text' }).fill('Call the shop');
    await call.getByRole('textbox', { name: 'Phone number' }).fill('+34911222333');
    await addButton('Copy code');
    await dialog.getByTestId('button-row-2').getByRole('textbox', { name: 'Example code' }).fill('SOL10');
    await addButton('Quick reply');
    await dialog.getByTestId('button-row-3').getByRole('textbox', { name: 'Button text' }).fill('Thanks!');

    // Without the examples Meta reviews, the hub names each problem before Meta sees it.
    await dialog.getByRole('button', { name: 'Submit for review' }).click();
    const errors = dialog.getByTestId('template-errors');
    await errors.waitFor();
    expect(await errors.textContent()).toContain('body: give an example for first_name, order_id');

    await dialog.getByRole('textbox', { name: 'Example for {{first_name}}' }).fill('Ana');
    await dialog.getByRole('textbox', { name: 'Example for {{order_id}}' }).fill('A-17');
    const preview = dialog.getByTestId('template-preview');
    // The preview shows it as WhatsApp will: the image, the examples in place, *bold*, the buttons.
    expect(await preview.textContent()).toContain('Hi Ana, your order A-17 is ready for pickup.');
    expect(await preview.locator('strong').textContent()).toBe('A-17');
    expect(await preview.locator('img').count()).toBe(1);
    // WhatsApp shows two buttons and folds the rest into "See all options".
    expect(await preview.getByTestId('template-preview-button').allTextContents()).toEqual([
      '↗ Track order',
      '✆ Call the shop',
    ]);
    expect(await preview.textContent()).toContain('See all options');
    await settledScreenshot(page, 'template-editor');
    await dialog.getByRole('button', { name: 'Submit for review' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const card = page.getByTestId(`template-${TEMPLATE}-en_US`);
    expect(await card.getByTestId('template-status').textContent()).toBe('PENDING');
    await card.getByTestId('template-status').getByText('APPROVED').waitFor({ timeout: 20_000 });
    expect(await card.textContent()).toContain('UTILITY');
    expect(await card.getByTestId('template-preview').textContent()).toContain('Hi Ana, your order A-17');
    await settledScreenshot(page, 'template-media-approved');
    const stored = await stack.deps.database.db
      .selectFrom('templates')
      .select(['status', 'category', 'parameter_format', 'components_json'])
      .where('name', '=', TEMPLATE)
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ status: 'APPROVED', category: 'UTILITY', parameter_format: 'named' });
    const components = JSON.parse(stored.components_json ?? '[]');
    expect(components[0]).toMatchObject({ type: 'HEADER', format: 'IMAGE' });
    expect(components[0].example.header_handle[0]).toMatch(/^4::/);
    expect(components[1].example.body_text_named_params).toEqual([
      { param_name: 'first_name', example: 'Ana' },
      { param_name: 'order_id', example: 'A-17' },
    ]);
    expect(components[3].buttons.map((b: { type: string }) => b.type)).toEqual([
      'URL',
      'PHONE_NUMBER',
      'COPY_CODE',
      'QUICK_REPLY',
    ]);
  });

  it('edits the approved template under Meta’s rules: same name, language and category, back through review', async () => {
    const card = page.getByTestId(`template-${TEMPLATE}-en_US`);
    await card.getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog', { name: `Edit ${TEMPLATE} (en_US)` });
    expect(await dialog.getByRole('textbox', { name: 'Name', exact: true }).isDisabled()).toBe(true);
    expect(await dialog.getByRole('combobox', { name: 'Category' }).isDisabled()).toBe(true);
    await dialog.getByTestId('edit-rules').waitFor();
    // The stored examples and buttons come back into the form.
    expect(await dialog.getByRole('textbox', { name: 'Example for {{order_id}}' }).inputValue()).toBe('A-17');
    await dialog
      .getByRole('textbox', { name: 'Body' })
      .fill('Hi {{first_name}}, order {{order_id}} is ready: pick it up today.');
    await dialog.getByRole('button', { name: 'Submit the edit for review' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await card.getByTestId('template-status').getByText('PENDING').waitFor();
    await card.getByTestId('template-status').getByText('APPROVED').waitFor({ timeout: 20_000 });
    expect(await card.getByTestId('template-preview').textContent()).toContain(
      'Hi Ana, order A-17 is ready: pick it up today.',
    );
    // Meta allows one edit a day of an approved template: the second is Meta's refusal, shown as such.
    await card.getByRole('button', { name: 'Edit' }).click();
    const again = page.getByRole('dialog', { name: `Edit ${TEMPLATE} (en_US)` });
    await again.getByRole('textbox', { name: 'Footer' }).fill('Tienda Sol, Madrid');
    await again.getByRole('button', { name: 'Submit the edit for review' }).click();
    const refused = again.getByTestId('template-errors');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('Meta refused the template');
    expect(await refused.textContent()).toContain('once in 24 hours');
    await settledScreenshot(page, 'template-edit-refused');
  });

  it("creates an authentication template in Meta's format (no free body: a one-tap code button for the shop's app) and sees it approved", async () => {
    // The refused edit of the step before leaves its dialog open.
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'New template' }).click();
    const dialog = page.getByRole('dialog', { name: 'New template' });
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('login_code');
    await dialog.getByRole('combobox', { name: 'Category' }).click();
    await page.getByRole('option', { name: 'Authentication', exact: true }).click();
    await dialog.getByTestId('authentication-fields').waitFor();
    expect(await dialog.getByRole('textbox', { name: 'Body' }).count()).toBe(0);
    await dialog.getByText('One-tap autofill').click();
    await dialog.getByRole('textbox', { name: 'Android package name' }).fill('com.tiendasol.app');
    await dialog.getByRole('textbox', { name: 'App signature hash' }).fill('K8a/AINcGX7');
    const preview = dialog.getByTestId('template-preview');
    expect(await preview.textContent()).toContain('123456 is your verification code.');
    expect(await preview.textContent()).toContain('This code expires in 10 minutes.');
    expect(await preview.textContent()).toContain('Autofill');
    await settledScreenshot(page, 'template-authentication-editor');
    await dialog.getByRole('button', { name: 'Submit for review' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const card = page.getByTestId('template-login_code-en_US');
    await card.getByTestId('template-status').getByText('APPROVED').waitFor({ timeout: 20_000 });
    expect(await card.textContent()).toContain('AUTHENTICATION');
    const stored = await stack.deps.database.db
      .selectFrom('templates')
      .select(['category', 'components_json'])
      .where('name', '=', 'login_code')
      .executeTakeFirstOrThrow();
    expect(stored.category).toBe('AUTHENTICATION');
    expect(JSON.parse(stored.components_json ?? '[]').at(-1).buttons[0]).toMatchObject({
      type: 'OTP',
      otp_type: 'ONE_TAP',
      supported_apps: [{ package_name: 'com.tiendasol.app', signature_hash: 'K8a/AINcGX7' }],
    });
    await settledScreenshot(page, 'template-authentication-approved');
  });
});
