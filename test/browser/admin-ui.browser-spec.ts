import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN, createUser, eventually, login, loginAdmin, startApp, validIqama, type SignedIn, type TestApp } from '../support/harness';
import { describeInBrowser, launchChromium, screenshot, signInThroughUi } from './browser-support';

// A project's testTimeout is not applied when jest runs several projects; a whole reset flow takes seconds.
jest.setTimeout(120_000);

// A password the policy accepts, for accounts the tests sign in with.
const INITIAL_PASSWORD = 'Harbor-Lantern-Quietly-7319';
const CHANGED_PASSWORD = 'Copper-Meadow-Whistle-5824';

describeInBrowser('Admin UI in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let admin: SignedIn;
  const contexts: BrowserContext[] = [];
  const pageErrors: Error[] = [];

  beforeAll(async () => {
    t = await startApp();
    admin = await loginAdmin(t);
    browser = await launchChromium();
  }, 120_000);

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    // An uncaught exception in the page is a bug even when the test's own checks passed.
    expect(pageErrors.splice(0).map((error) => error.message)).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  async function newPage(options: { clipboard?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-GB', reducedMotion: 'reduce' });
    if (options.clipboard) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.baseUrl });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error));
    return page;
  }

  async function adminPage(options: { clipboard?: boolean } = {}): Promise<Page> {
    const page = await newPage(options);
    await signInThroughUi(page, t.baseUrl, ADMIN.username, ADMIN.password);
    await page.getByTestId('users-page').waitFor();
    return page;
  }

  /** Finds a user's row on the User Management page through its search box. */
  async function findRow(page: Page, username: string) {
    await page.getByTestId('nav-users').click();
    await page.getByTestId('users-search').fill(username);
    const row = page.getByTestId(`user-row-${username}`);
    await row.waitFor();
    return row;
  }

  /** A customer who has signed in and chosen their own password, so their sessions are ordinary ones. */
  async function activeCustomer(fields: { email?: string | null } = {}) {
    const user = await createUser(t, admin, { type: 'customer', password: INITIAL_PASSWORD, ...fields });
    const first = await login(t, user.username, INITIAL_PASSWORD);
    const changed = await t
      .http()
      .post('/api/auth/change-password')
      .set(first.auth)
      .send({ currentPassword: INITIAL_PASSWORD, newPassword: CHANGED_PASSWORD });
    expect(changed.status).toBe(204);
    // Leaves no session of its own behind, so the customer's sessions are exactly the browser ones.
    expect((await t.http().post('/api/auth/logout').set(first.auth)).status).toBe(204);
    return user;
  }

  async function focusedTestId(page: Page): Promise<string | null> {
    return page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
  }

  async function resetsOf(userId: string) {
    const response = await t.http().get(`/api/users/${userId}/password-resets`).set(admin.auth);
    expect(response.status).toBe(200);
    return response.body as { id: string; status: string; sendEmail: boolean | null; logoutSessions: boolean | null }[];
  }

  it('resets a customer\'s password end to end: confirm, new password, email sent, and the customer\'s other browser signed out', async () => {
    const customer = await activeCustomer();

    // Context B: the customer, signed in on their own browser.
    const customerPage = await newPage();
    await signInThroughUi(customerPage, t.baseUrl, customer.username, CHANGED_PASSWORD);
    await customerPage.getByTestId('profile-page').waitFor();

    // Context A: the admin.
    const page = await adminPage();
    const row = await findRow(page, customer.username);
    await row.getByTestId('reset-password-button').click();

    const confirmDialog = page.getByTestId('confirm-reset-dialog');
    await confirmDialog.waitFor();
    expect(await confirmDialog.getAttribute('role')).toBe('dialog');
    expect(await confirmDialog.getAttribute('aria-modal')).toBe('true');
    const labelledBy = await confirmDialog.getAttribute('aria-labelledby');
    expect(await page.locator(`[id="${labelledBy}"]`).textContent()).toContain('Reset the password of');
    expect(await page.getByTestId('require-password-change').isChecked()).toBe(true);
    await page.getByTestId('reset-reason').fill('ticket 4711');

    // Focus stays in the popup however far one tabs.
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'))).toBe(true);
    }
    await screenshot(page, 'customer-1-confirm-popup');
    await page.getByTestId('confirm-yes').click();

    const successDialog = page.getByTestId('reset-success-dialog');
    await successDialog.waitFor();
    expect(await successDialog.locator('h2').textContent()).toBe('Password Reset Successful');
    const password = await page.getByTestId('new-password').inputValue();
    expect(password).toHaveLength(16);
    expect(await page.getByTestId('new-password').evaluate((el) => getComputedStyle(el).fontFamily)).toMatch(/mono/i);
    expect(await page.getByTestId('email-address').textContent()).toBe(`The email will go to ${customer.email}`);
    expect(await page.getByTestId('send-email-toggle').isDisabled()).toBe(false);
    await screenshot(page, 'customer-2-success-popup');

    await page.getByTestId('send-email-toggle').check();
    await page.getByTestId('logout-sessions-toggle').check();
    await page.getByTestId('complete-confirm').click();

    await page.locator('[data-testid="email-outcome"][data-delivery="sent"]').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('email-outcome').textContent()).toBe(`Email sent to ${customer.email}.`);
    expect(await page.getByTestId('sessions-outcome').textContent()).toBe('1 session ended.');
    await screenshot(page, 'customer-3-outcome-popup');

    // It closes by itself and gives focus back to the button that opened it.
    await successDialog.waitFor({ state: 'detached', timeout: 15_000 });
    expect(await focusedTestId(page)).toBe('reset-password-button');

    // The email carries the new password to the address shown.
    const mail = await eventually(async () => t.smtp.messages.find((m) => m.to.includes(customer.email!)), 15_000, 'the reset email');
    expect(mail.parsed.text).toContain(password);

    // The customer's browser: its next API call is refused and it lands on the sign-in page.
    const [me] = await Promise.all([
      customerPage.waitForResponse((response) => response.url().endsWith('/api/auth/me')),
      customerPage.reload(),
    ]);
    expect(me.status()).toBe(401);
    await customerPage.getByTestId('login-form').waitFor();
    expect(new URL(customerPage.url()).pathname).toBe('/login');
    await customerPage.getByTestId('session-ended').waitFor();

    // Only the new password signs in now, and it asks for a new one.
    const signedIn = await login(t, customer.username, password);
    expect(signedIn.user.mustChangePassword).toBe(true);

    const [reset] = await resetsOf(customer.id);
    expect(reset).toMatchObject({ status: 'completed', sendEmail: true, logoutSessions: true });
  });

  it('copies the new password to the clipboard and shows "Copied"', async () => {
    const customer = await createUser(t, admin, { type: 'customer' });
    const page = await adminPage({ clipboard: true });
    const row = await findRow(page, customer.username);
    await row.getByTestId('reset-password-button').click();
    await page.getByTestId('confirm-yes').click();

    const password = await page.getByTestId('new-password').inputValue();
    await page.getByTestId('copy-password').click();
    await page.locator('[data-testid="copy-password"][data-state="copied"]').waitFor();
    expect(await page.getByTestId('copy-password').textContent()).toContain('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(password);
    await screenshot(page, 'copy-button-copied');

    await page.getByTestId('complete-close').click();
    await page.getByTestId('reset-success-dialog').waitFor({ state: 'detached' });
  });

  it('resets a parent\'s password to their IQAMA number and says so instead of showing a password', async () => {
    const iqama = validIqama();
    const parent = await createUser(t, admin, { type: 'parent', iqamaNumber: iqama });
    const page = await adminPage();
    const row = await findRow(page, parent.username);
    await row.getByTestId('reset-password-button').click();
    await page.getByTestId('confirm-reset-dialog').waitFor();
    await screenshot(page, 'parent-1-confirm-popup');
    await page.getByTestId('confirm-yes').click();

    await page.getByTestId('reset-success-dialog').waitFor();
    expect(await page.getByTestId('iqama-note').textContent()).toBe(
      `The password is now the parent's IQAMA number (ending ${iqama.slice(-4)})`,
    );
    expect(await page.getByTestId('new-password').count()).toBe(0);
    expect(await page.getByTestId('copy-password').count()).toBe(0);
    await screenshot(page, 'parent-2-success-popup');

    await page.getByTestId('send-email-toggle').check();
    await page.getByTestId('complete-confirm').click();
    await page.locator('[data-testid="email-outcome"][data-delivery="sent"]').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('sessions-outcome').textContent()).toBe('Existing sessions were kept.');
    await screenshot(page, 'parent-3-outcome-popup');
    await page.getByTestId('reset-success-dialog').waitFor({ state: 'detached', timeout: 15_000 });

    // The IQAMA number signs the parent in; the email never writes it out.
    const signedIn = await login(t, parent.username, iqama);
    expect(signedIn.user.mustChangePassword).toBe(true);
    const mail = await eventually(async () => t.smtp.messages.find((m) => m.to.includes(parent.email!)), 15_000, 'the parent email');
    expect(mail.raw).not.toContain(iqama);
  });

  it('explains in the popup when a parent has no IQAMA number to reset to, and changes nothing', async () => {
    const parent = await createUser(t, admin, { type: 'parent' });
    const page = await adminPage();
    const row = await findRow(page, parent.username);
    await row.getByTestId('reset-password-button').click();
    await page.getByTestId('confirm-yes').click();
    const error = page.getByTestId('reset-error');
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('IQAMA_MISSING');
    expect(await error.textContent()).toContain('no IQAMA number on record');
    await screenshot(page, 'parent-without-iqama-confirm-popup');
    await page.getByTestId('confirm-no').click();
    await page.getByTestId('confirm-reset-dialog').waitFor({ state: 'detached' });
    expect(await resetsOf(parent.id)).toHaveLength(0);
  });

  it('disables "Send Email to User" without a valid address, explains why on hover and keyboard focus, and lets the email be fixed and sent afterwards', async () => {
    const customer = await createUser(t, admin, { type: 'customer', email: null });
    const page = await adminPage();
    const row = await findRow(page, customer.username);
    await row.getByTestId('reset-password-button').click();
    await page.getByTestId('confirm-yes').click();
    await page.getByTestId('reset-success-dialog').waitFor();

    const toggle = page.getByTestId('send-email-toggle');
    expect(await toggle.isDisabled()).toBe(true);
    expect(await toggle.isChecked()).toBe(false);
    expect(await page.getByTestId('email-address').textContent()).toBe('No email address on record');

    const tip = page.getByTestId('email-tip');
    expect(await tip.isVisible()).toBe(false);
    // Hover over the disabled switch.
    await page.locator('.email-toggle .toggle-label').hover();
    await tip.waitFor({ state: 'visible' });
    await screenshot(page, 'email-tip-on-hover');
    await page.mouse.move(5, 5);
    await tip.waitFor({ state: 'hidden' });

    // Keyboard only: Tab until the tip's trigger has focus, then on to the link inside the tip.
    await page.getByTestId('reset-success-dialog').focus();
    for (let i = 0; i < 10 && (await focusedTestId(page)) !== 'email-tip-trigger'; i++) await page.keyboard.press('Tab');
    expect(await focusedTestId(page)).toBe('email-tip-trigger');
    await tip.waitFor({ state: 'visible' });
    await page.keyboard.press('Tab');
    expect(await focusedTestId(page)).toBe('email-tip-link');
    const link = page.getByTestId('email-tip-link');
    expect(await link.getAttribute('href')).toBe(`/users/${customer.id}`);
    await screenshot(page, 'email-tip-on-keyboard-focus');

    // The link leads to the user's page with the email field ready; the reset stays pending.
    await page.keyboard.press('Enter');
    await page.getByTestId('user-page').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/users/${customer.id}`);
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'email-input');
    expect((await resetsOf(customer.id))[0].status).toBe('pending');

    // The live check uses the API's rule as one types.
    const email = page.getByTestId('email-input');
    await email.fill('fatima@example');
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('email-check').textContent()).toContain('not a valid email address');
    const fixedAddress = `${customer.username}@example.org`;
    await email.fill(fixedAddress);
    expect(await email.getAttribute('aria-invalid')).toBe('false');
    await page.getByTestId('user-save').click();
    await page.getByTestId('user-save-status').waitFor();

    // The pending reset is offered here and now sends to the fixed address.
    await page.getByTestId('complete-pending-reset').click();
    await page.getByTestId('reset-success-dialog').waitFor();
    expect(await page.getByTestId('email-address').textContent()).toBe(`The email will go to ${fixedAddress}`);
    await page.getByTestId('send-email-toggle').check();
    await screenshot(page, 'pending-reset-popup');
    await page.getByTestId('complete-confirm').click();
    await page.locator('[data-testid="email-outcome"][data-delivery="sent"]').waitFor({ timeout: 30_000 });
    await page.getByTestId('reset-success-dialog').waitFor({ state: 'detached', timeout: 15_000 });

    // The history shows the delivery.
    await page.locator('[data-testid="reset-history-row"][data-status="completed"][data-delivery="sent"]').waitFor();
    await page.getByTestId('pending-reset').waitFor({ state: 'detached' });
    await eventually(async () => t.smtp.messages.find((m) => m.to.includes(fixedAddress)), 15_000, 'the email to the fixed address');
    await page.getByTestId('reset-history').scrollIntoViewIfNeeded();
    await screenshot(page, 'user-page-reset-history');
  });

  it('No and Escape leave the password alone; Close completes without email or logout and returns focus', async () => {
    const customer = await createUser(t, admin, { type: 'customer' });
    const page = await adminPage();
    const row = await findRow(page, customer.username);
    const button = row.getByTestId('reset-password-button');

    await button.click();
    await page.getByTestId('confirm-no').click();
    await page.getByTestId('confirm-reset-dialog').waitFor({ state: 'detached' });
    expect(await focusedTestId(page)).toBe('reset-password-button');

    await button.click();
    await page.getByTestId('confirm-reset-dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('confirm-reset-dialog').waitFor({ state: 'detached' });
    expect(await resetsOf(customer.id)).toHaveLength(0);

    await button.click();
    await page.getByTestId('confirm-yes').click();
    await page.getByTestId('reset-success-dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('reset-success-dialog').waitFor({ state: 'detached' });
    expect(await focusedTestId(page)).toBe('reset-password-button');
    const [reset] = await resetsOf(customer.id);
    expect(reset).toMatchObject({ status: 'completed', sendEmail: false, logoutSessions: false });
  });

  it('shows no Reset Password button on the admin\'s own row or own profile, which offers Change password', async () => {
    const page = await adminPage();
    const ownRow = await findRow(page, ADMIN.username);
    expect(await ownRow.getByTestId('reset-password-button').count()).toBe(0);

    await page.getByTestId('nav-profile').click();
    await page.getByTestId('profile-page').waitFor();
    expect(await page.getByTestId('profile-username').textContent()).toBe(ADMIN.username);
    expect(await page.getByTestId('reset-password-button').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Reset Password' }).count()).toBe(0);
    await page.getByTestId('change-password-form').waitFor();
    await screenshot(page, 'own-profile');
  });

  it('makes a user with a temporary password choose a new one before anything else', async () => {
    const user = await createUser(t, admin, { type: 'employee', password: INITIAL_PASSWORD });
    const page = await newPage();
    await signInThroughUi(page, t.baseUrl, user.username, INITIAL_PASSWORD);
    await page.getByTestId('change-password-page').waitFor();
    expect(new URL(page.url()).pathname).toBe('/change-password');

    await page.getByTestId('current-password').fill(INITIAL_PASSWORD);
    await page.getByTestId('new-password-input').fill('short');
    await page.getByTestId('repeat-password-input').fill('short');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').filter({ hasText: 'must have at least 12 characters' }).waitFor();

    await page.getByTestId('new-password-input').fill(CHANGED_PASSWORD);
    await page.getByTestId('repeat-password-input').fill(CHANGED_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByTestId('profile-page').waitFor();
    expect(await page.getByTestId('reset-password-button').count()).toBe(0);
  });

  it('shows the reset on the audit page and downloads it as CSV', async () => {
    const customer = await createUser(t, admin, { type: 'customer' });
    const created = await t.http().post(`/api/users/${customer.id}/password-resets`).set(admin.auth).send({ reason: 'audit check' });
    expect(created.status).toBe(201);

    const page = await adminPage();
    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-page').waitFor();
    await page.getByTestId('audit-row').first().waitFor();
    await page.getByTestId('audit-target').fill(customer.id);
    await page.getByTestId('audit-apply').click();
    // The unfiltered rows stay on screen until the filtered page has loaded: wait for them to go.
    await page.locator('[data-testid="audit-row"]', { hasNotText: customer.username }).first().waitFor({ state: 'detached' });
    const row = page.locator('[data-testid="audit-row"][data-action="password_reset.performed"]');
    await row.waitFor();
    expect(await row.textContent()).toContain(customer.username);
    expect(await row.textContent()).toContain(ADMIN.username);
    expect(new URL(page.url()).searchParams.get('targetId')).toBe(customer.id);
    await page.locator('[data-testid="audit-row"][data-action="user.created"]').waitFor();

    // Narrowed to the reset alone by its action.
    await page.getByTestId('audit-action-password_reset.performed').check();
    await page.getByTestId('audit-apply').click();
    await page.locator('[data-testid="audit-row"][data-action="user.created"]').waitFor({ state: 'detached' });
    expect(new URL(page.url()).searchParams.getAll('action')).toEqual(['password_reset.performed']);
    expect(await page.getByTestId('audit-row').count()).toBe(1);
    expect(await row.textContent()).toContain('audit check');
    await screenshot(page, 'audit-page');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/^audit-events-.*\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\n')[0]).toContain('seq,occurredAt,action');
    expect(csv).toContain('password_reset.performed');
    expect(csv).toContain(customer.username);
  });

  it('lays the page and the popups out right to left in Arabic', async () => {
    const customer = await createUser(t, admin, { type: 'customer' });
    const page = await adminPage({ clipboard: true });
    await page.getByTestId('language-switch').click();
    expect(await page.evaluate(() => [document.documentElement.dir, document.documentElement.lang])).toEqual(['rtl', 'ar']);
    expect(await page.getByTestId('nav-users').textContent()).toBe('إدارة المستخدمين');

    const row = await findRow(page, customer.username);
    await screenshot(page, 'arabic-users-page');
    await row.getByTestId('reset-password-button').click();
    const confirmDialog = page.getByTestId('confirm-reset-dialog');
    await confirmDialog.waitFor();
    expect(await confirmDialog.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
    await screenshot(page, 'arabic-1-confirm-popup');
    await page.getByTestId('confirm-yes').click();

    const successDialog = page.getByTestId('reset-success-dialog');
    await successDialog.waitFor();
    expect(await successDialog.locator('h2').textContent()).toBe('تمت إعادة تعيين كلمة المرور بنجاح');
    // The password itself stays left to right inside the right-to-left popup.
    expect(await page.getByTestId('new-password').evaluate((el) => getComputedStyle(el).direction)).toBe('ltr');
    await screenshot(page, 'arabic-2-success-popup');
    await page.getByTestId('logout-sessions-toggle').check();
    await page.getByTestId('complete-confirm').click();
    await page.getByTestId('reset-outcome').waitFor();
    expect(await page.getByTestId('sessions-outcome').textContent()).toBe('لم تُنهَ أي جلسة.');
    await screenshot(page, 'arabic-3-outcome-popup');

    // The choice survives a reload.
    await page.reload();
    await page.getByTestId('users-page').waitFor();
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
  });

  // Last: it moves the application clock past every access token's lifetime.
  it('renews an expired access token with the refresh token without bothering the admin', async () => {
    const page = await adminPage();
    t.clock.advanceSeconds(t.config.accessTokenTtlSeconds + 60);

    const [refreshed] = await Promise.all([
      page.waitForResponse((response) => response.url().endsWith('/api/auth/refresh')),
      page.getByTestId('nav-audit').click(),
    ]);
    expect(refreshed.status()).toBe(200);
    await page.getByTestId('audit-table').waitFor();
    expect(await page.getByTestId('login-form').count()).toBe(0);
    admin = await loginAdmin(t);
  });
});
