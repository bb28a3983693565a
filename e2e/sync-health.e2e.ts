import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { generateMasterKey } from '../src/platform/crypto/envelope.ts';
import {
  createUserWithMfa,
  failureScreenshotPath,
  NUMBER_ID,
  newPage,
  type Stack,
  settledScreenshot,
  signInWithMfa,
  startStack,
  waitUntil,
} from './harness.ts';

const ANA = { waId: '16505551234', name: 'Ana Ruiz' };

describe('the Sync health page against a real hub and sandbox', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ customers: [ANA], env: { COEXIST_MASTER_KEYS: generateMasterKey('e2e') } });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('shows each check of a number, an offboarding as failing with what to do, and checks again through Graph', async (ctx) => {
    const db = stack.deps.database.db;
    // The number becomes known with its first webhook; the owner also writes from the phone (an echo).
    await stack.sandbox.control.customerText(ANA.waId, 'Hello!');
    await stack.sandbox.control.ownerText(NUMBER_ID, ANA.waId, 'Hi Ana, from the phone');
    await waitUntil(async () =>
      Boolean(
        await db
          .selectFrom('phone_numbers')
          .select('id')
          .where('id', '=', NUMBER_ID)
          .where('last_echo_at', 'is not', null)
          .executeTakeFirst(),
      ),
    );
    // Meta rates the number lower, then the business offboards it from the app.
    await stack.sandbox.control.setQuality(NUMBER_ID, 'YELLOW');
    await stack.sandbox.control.offboard(NUMBER_ID);
    await waitUntil(async () =>
      Boolean(
        await db
          .selectFrom('sync_health_checks')
          .select('state')
          .where('phone_number_id', '=', NUMBER_ID)
          .where('check_name', '=', 'connection')
          .where('state', '=', 'failing')
          .executeTakeFirst(),
      ),
    );

    const admin = await createUserWithMfa(stack, { name: 'Ada Admin', role: 'admin' });
    const { context, page } = await newPage(stack, { width: 1280, height: 1250 });
    onTestFailed(async () => {
      await page.screenshot({ path: failureScreenshotPath(ctx.task.name), fullPage: true }).catch(() => {});
    });
    try {
      await signInWithMfa(page, admin);
      const sections = page.getByRole('navigation', { name: 'Sections' });
      await sections.getByRole('link', { name: 'Sync health', exact: true }).click();
      await page.getByRole('heading', { name: 'Sync health', exact: true }).waitFor();

      const connection = page.getByTestId('check-connection');
      await connection.waitFor();
      expect(await connection.getAttribute('data-state')).toBe('failing');
      expect(await connection.textContent()).toContain('The business offboarded the number');
      expect(await connection.textContent()).toContain('What to do:');
      // Every check is listed, including those not run yet.
      for (const name of ['webhook_subscription', 'echoes', 'app_open_rule', 'history_import', 'webhook_lag'])
        await page.getByTestId(`check-${name}`).waitFor();
      expect(await page.getByTestId('check-quality_rating').getAttribute('data-state')).toBe('unknown');

      // "Check now" asks Meta (subscribed_apps, quality_rating): the drop to YELLOW shows.
      await page.getByRole('button', { name: 'Check now' }).click();
      await waitUntil(
        async () => (await page.getByTestId('check-quality_rating').getAttribute('data-state')) === 'warning',
      );
      expect(await page.getByTestId('check-quality_rating').textContent()).toContain('YELLOW');
      expect(await page.getByTestId('check-webhook_subscription').getAttribute('data-state')).toBe('ok');
      expect(await page.getByTestId('check-app_open_rule').getAttribute('data-state')).toBe('ok');
      expect(await page.getByTestId('overall-state').textContent()).toBe('2 need attention');
      await settledScreenshot(page, 'sync-health');

      // The alerts were raised too.
      const alerts = await db
        .selectFrom('alerts')
        .select('code')
        .where('phone_number_id', '=', NUMBER_ID)
        .where('resolved_at', 'is', null)
        .execute();
      expect(alerts.map((a) => a.code).sort()).toEqual(
        expect.arrayContaining(['SYNC_HEALTH_CONNECTION', 'SYNC_HEALTH_QUALITY_RATING']),
      );
    } finally {
      await context.close();
    }
  });
});
