import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { placeHold, releaseHold } from '../src/archive/hold.repository.ts';
import { archiveKeyring } from '../src/archive/payload-crypto.ts';
import { verifyBundle } from '../src/archive/verify-bundle.ts';
import { type S3Server, startS3Server } from '../src/testing/s3-object-lock-server.ts';
import {
  createUser,
  createUserWithMfa,
  failureScreenshotPath,
  newPage,
  type Stack,
  settledScreenshot,
  signIn,
  signInWithMfa,
  startStack,
  waitUntil,
} from './harness.ts';

const ANA = { waId: '16505551234', name: 'Ana Ruiz' };
const BEA = { waId: '16505559876', name: 'Bea Stone' };
const SECRET_TEXT = 'My IBAN is DE89370400440532013000';

describe("the auditor's archive view against a real hub and sandbox", () => {
  let stack: Stack;
  let s3: S3Server;
  let page: Page;
  let closePage: () => Promise<void>;

  beforeAll(async () => {
    // The archive's checkpoints are also copied to an Object Lock bucket (a stand-in S3 on loopback).
    s3 = await startS3Server();
    s3.createBucket('coexist-archive', { objectLock: true });
    stack = await startStack({
      customers: [ANA, BEA],
      env: {
        COEXIST_ARCHIVE_S3_BUCKET: 'coexist-archive',
        COEXIST_ARCHIVE_S3_ENDPOINT: s3.url,
        COEXIST_ARCHIVE_S3_FORCE_PATH_STYLE: 'true',
        COEXIST_ARCHIVE_S3_ACCESS_KEY_ID: s3.accessKeyId,
        COEXIST_ARCHIVE_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      },
    });
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
    await s3?.close();
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

  it("shows the archive's write-once copy in the Object Lock bucket", async () => {
    const db = stack.deps.database.db;
    // The hub's own jobs sign a checkpoint and then copy it with its segment to the bucket.
    await waitUntil(async () => {
      const row = await db
        .selectFrom('archive_anchors')
        .select('size')
        .where('target', '=', 's3:coexist-archive')
        .where('ok', '=', 1)
        .executeTakeFirst();
      return row !== undefined;
    }, 500);
    const anchored = await db
      .selectFrom('archive_anchors')
      .select((eb) => eb.fn.max('size').as('size'))
      .where('target', '=', 's3:coexist-archive')
      .where('ok', '=', 1)
      .executeTakeFirstOrThrow();
    const key = `checkpoints/${String(anchored.size).padStart(12, '0')}`;
    const copy = s3.buckets.get('coexist-archive')!.objects.get(key)!.at(-1)!;
    expect(copy.lockMode).toBe('COMPLIANCE');
    expect(copy.body.toString('utf8')).toMatch(new RegExp(`^[^\\n]+\\n${anchored.size}\\n`));
    await page.reload();
    const badge = page.getByTestId('anchor-state');
    await expect.poll(() => badge.textContent()).toMatch(/^s3:coexist-archive: checkpoint \d+ copied$/);
    await settledScreenshot(page, 'audit-anchors');
  }, 120_000);

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

  it('erases a contact (GDPR): refused while a legal hold is on, then done; the text is gone and the archive verifies', async () => {
    const db = stack.deps.database.db;
    await stack.sandbox.control.customerText(BEA.waId, SECRET_TEXT);
    await waitUntil(async () => {
      const row = await db
        .selectFrom('archive_entries')
        .innerJoin('contacts', 'contacts.id', 'archive_entries.contact_id')
        .select('archive_entries.idx')
        .where('contacts.wa_id', '=', BEA.waId)
        .where('archive_entries.type', '=', 'message.received')
        .executeTakeFirst();
      return row !== undefined;
    });
    const contact = await db
      .selectFrom('contacts')
      .select(['id', 'phone_number_id'])
      .where('wa_id', '=', BEA.waId)
      .executeTakeFirstOrThrow();
    const admin = await createUserWithMfa(stack, { name: 'Ada Admin', role: 'admin' });
    const subject = {
      scope: 'contact' as const,
      targetId: contact.id,
      phoneNumberId: contact.phone_number_id,
    };
    const keyring = archiveKeyring(stack.deps.config);
    const holdId = await placeHold(db, {
      subject,
      reason: 'Case 2026-17: litigation hold',
      actor: { kind: 'user', id: admin.id },
      now: Date.now(),
      keyring,
    });

    const opened = await newPage(stack);
    const adminPage = opened.page;
    try {
      await signInWithMfa(adminPage, admin);
      await adminPage
        .getByRole('link', { name: 'Archive' })
        .or(adminPage.getByRole('button', { name: 'Archive' }))
        .click();
      await adminPage.getByLabel('Contact id').fill(contact.id);
      await adminPage.getByRole('button', { name: 'Search' }).click();
      const rows = adminPage.getByTestId('archive-entry');
      await expect.poll(() => rows.filter({ hasText: SECRET_TEXT }).count()).toBe(1);

      // Under the hold: the dialog says why nothing was erased.
      await adminPage.getByRole('button', { name: 'Erase contact…' }).click();
      const dialog = adminPage.getByRole('dialog', { name: 'Erase this contact (GDPR)' });
      await dialog.getByLabel("Type the contact's phone number to confirm").fill(BEA.waId);
      await dialog.getByLabel('Request reference').fill('DSR-0042');
      await dialog.getByRole('button', { name: 'Erase permanently' }).click();
      await expect.poll(() => dialog.getByText('Under legal hold').count()).toBe(1);
      await settledScreenshot(adminPage, 'audit-erase-held');
      expect(
        await db.selectFrom('messages').select('id').where('contact_id', '=', contact.id).execute(),
      ).toHaveLength(1);

      // The hold is released: the same request erases the contact.
      await releaseHold(db, {
        id: holdId,
        subject,
        reason: 'Case 2026-17 closed',
        actor: { kind: 'user', id: admin.id },
        now: Date.now(),
        keyring,
      });
      await dialog.getByRole('button', { name: 'Erase permanently' }).click();
      await expect.poll(() => adminPage.getByText(/Contact erased: 1 messages/).count()).toBe(1);
      await expect.poll(() => dialog.count()).toBe(0);
      await adminPage.getByRole('button', { name: 'Search' }).click();
      await expect.poll(() => rows.filter({ hasText: 'audit.contact_erased' }).count()).toBe(1);
      await expect.poll(() => rows.filter({ hasText: 'message.received' }).count()).toBe(1);
      expect(await rows.filter({ hasText: 'message.received' }).textContent()).toContain('(erased)');
      expect(await adminPage.getByTestId('archive-results').textContent()).not.toContain(SECRET_TEXT);
      await settledScreenshot(adminPage, 'audit-erased');

      // Gone from the live tables, and the log still verifies.
      expect(await db.selectFrom('contacts').select('id').where('id', '=', contact.id).execute()).toEqual([]);
      const left = await db.selectFrom('messages').select('content_json').execute();
      expect(left.map((m) => m.content_json).join('\n')).not.toContain('IBAN');
      const runs = async () =>
        db
          .selectFrom('archive_verifications')
          .select(['ok', 'problem'])
          .orderBy('started_at', 'desc')
          .execute();
      const before = (await runs()).length;
      await adminPage.getByRole('button', { name: 'Verify now' }).click();
      await expect.poll(async () => (await runs()).length).toBe(before + 1);
      expect((await runs())[0]).toMatchObject({ ok: 1, problem: null });
      await expect
        .poll(() => adminPage.getByTestId('verification-state').getAttribute('data-result'))
        .toBe('ok');
    } catch (error) {
      await adminPage.screenshot({ path: failureScreenshotPath('erase-admin-page') });
      throw error;
    } finally {
      await opened.context.close();
    }
  });
});
