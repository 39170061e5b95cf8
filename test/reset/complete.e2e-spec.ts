import { PendingPasswordPurge } from '@app/users';
import { ADMIN, createUser, eventually, loginAdmin, SignedIn, startApp, TestApp, validIqama } from '../support/harness';
import {
  completeOk,
  expectProblem,
  getReset,
  listResets,
  pendingCopyExists,
  postComplete,
  resetOk,
  ResetView,
  ROOMY_LIMITS,
  signIn,
  STRONG_PASSWORD,
} from './reset-support';

let t: TestApp;
let admin: SignedIn;

beforeAll(async () => {
  t = await startApp({ env: ROOMY_LIMITS });
  admin = await loginAdmin(t);
});

afterAll(async () => {
  await t?.stop();
});

/** Moves the application's clock; access tokens expire by it, so the admin signs in again. */
async function advanceClock(seconds: number): Promise<void> {
  t.clock.advanceSeconds(seconds);
  admin = await loginAdmin(t);
}

function me(session: SignedIn) {
  return t.http().get('/api/auth/me').set(session.auth);
}

function refresh(session: SignedIn) {
  return t.http().post('/api/auth/refresh').send({ refreshToken: session.refreshToken });
}

function mailsTo(address: string) {
  return t.smtp.messages.filter((m) => m.to.includes(address));
}

function untilDelivery(userId: string, resetId: string, delivery: string): Promise<ResetView> {
  return eventually(async () => {
    const view = await getReset(t, admin, userId, resetId);
    return view.email.delivery === delivery ? view : null;
  }, 20_000, `email delivery ${delivery}`);
}

/** A user who can sign in, with two sessions opened (two devices) before any reset. */
async function userWithTwoSessions() {
  const user = await createUser(t, admin, { password: STRONG_PASSWORD });
  const phone = await signIn(t, user.username, STRONG_PASSWORD, 'phone');
  const laptop = await signIn(t, user.username, STRONG_PASSWORD, 'laptop');
  return { user, phone, laptop };
}

const VIEW_KEYS = [
  'completeBy', 'completedAt', 'createdAt', 'email', 'id', 'logoutSessions', 'method', 'performedBy', 'requirePasswordChange', 'sendEmail', 'sessionsRevoked', 'status', 'userId',
].sort();

describe('completing a reset (POST …/password-resets/:resetId/complete)', () => {
  it('requires both toggles as booleans (400 naming each) and leaves the reset pending', async () => {
    const user = await createUser(t, admin);
    const reset = await resetOk(t, admin, user.id);

    const empty = await postComplete(t, admin, user.id, reset.id, {});
    expectProblem(empty, 400, 'VALIDATION_FAILED');
    expect(new Set(empty.body.errors.map((e: { field: string }) => e.field))).toEqual(new Set(['sendEmail', 'logoutSessions']));
    const onlyOne = await postComplete(t, admin, user.id, reset.id, { sendEmail: false });
    expectProblem(onlyOne, 400, 'VALIDATION_FAILED');
    expect(new Set(onlyOne.body.errors.map((e: { field: string }) => e.field))).toEqual(new Set(['logoutSessions']));
    expectProblem(await postComplete(t, admin, user.id, reset.id, { sendEmail: 'true', logoutSessions: false }), 400, 'VALIDATION_FAILED');
    expectProblem(await postComplete(t, admin, user.id, reset.id, { sendEmail: false, logoutSessions: null }), 400, 'VALIDATION_FAILED');
    expectProblem(await postComplete(t, admin, user.id, reset.id, { sendEmail: false, logoutSessions: false, extra: 1 }), 400, 'VALIDATION_FAILED');

    expect((await getReset(t, admin, user.id, reset.id)).status).toBe('pending');
  });

  it('with logoutSessions ends both sessions opened before the reset before answering, and keeps one opened since', async () => {
    const { user, phone, laptop } = await userWithTwoSessions();
    const reset = await resetOk(t, admin, user.id);
    const afterReset = await signIn(t, user.username, reset.password!, 'new-device');

    const done = await completeOk(t, admin, user.id, reset.id, false, true);

    expect(done).toMatchObject({ status: 'completed', logoutSessions: true, sendEmail: false, sessionsRevoked: 2 });
    expectProblem(await me(phone), 401, 'UNAUTHENTICATED');
    expectProblem(await me(laptop), 401, 'UNAUTHENTICATED');
    expectProblem(await refresh(phone), 401, 'UNAUTHENTICATED');
    expectProblem(await refresh(laptop), 401, 'UNAUTHENTICATED');
    expect((await me(afterReset)).status).toBe(200);
    expect((await refresh(afterReset)).status).toBe(200);
    expect((await getReset(t, admin, user.id, reset.id)).sessionsRevoked).toBe(2);
    const sessions = await t.http().get(`/api/users/${user.id}/sessions`).set(admin.auth);
    expect(sessions.body.map((s: { userAgent: string }) => s.userAgent)).toEqual(['new-device']);
  });

  it('without logoutSessions leaves both sessions working, sessionsRevoked 0', async () => {
    const { user, phone, laptop } = await userWithTwoSessions();
    const reset = await resetOk(t, admin, user.id);

    const done = await completeOk(t, admin, user.id, reset.id, false, false);

    expect(done).toMatchObject({ status: 'completed', logoutSessions: false, sessionsRevoked: 0 });
    expect((await me(phone)).status).toBe(200);
    expect((await me(laptop)).status).toBe(200);
    expect((await refresh(phone)).status).toBe(200);
    expect((await refresh(laptop)).status).toBe(200);
  });

  it('answers 200 with the PasswordReset, toggles applied, and the email queued then sent to the address on record', async () => {
    const user = await createUser(t, admin);
    const reset = await resetOk(t, admin, user.id, { reason: 'ticket 9' });

    const done = await completeOk(t, admin, user.id, reset.id, true, false);

    expect(Object.keys(done).sort()).toEqual(VIEW_KEYS);
    expect(done).toMatchObject({
      id: reset.id,
      userId: user.id,
      status: 'completed',
      method: 'random',
      requirePasswordChange: true,
      createdAt: reset.createdAt,
      completeBy: reset.completeBy,
      completedAt: expect.any(String),
      performedBy: { id: admin.user.id, username: ADMIN.username },
      sendEmail: true,
      logoutSessions: false,
      sessionsRevoked: 0,
      email: { address: user.email, valid: true },
    });
    expect(['queued', 'sending', 'sent']).toContain(done.email.delivery);
    expect(JSON.stringify(done)).not.toContain(reset.password!);

    const sent = await untilDelivery(user.id, reset.id, 'sent');
    expect(sent.email).toEqual({ address: user.email, valid: true, delivery: 'sent', attempts: 1, sentAt: expect.any(String), lastError: null });
    expect(mailsTo(user.email!)).toHaveLength(1);
  });

  it('refuses sendEmail for a user without an email (422 EMAIL_MISSING, still pending), then completes once the admin adds one', async () => {
    const { user, phone } = await (async () => {
      const u = await createUser(t, admin, { email: null, password: STRONG_PASSWORD });
      return { user: u, phone: await signIn(t, u.username, STRONG_PASSWORD, 'phone') };
    })();
    const reset = await resetOk(t, admin, user.id);
    expect(reset.email).toEqual({ address: null, valid: false });

    expectProblem(await postComplete(t, admin, user.id, reset.id, { sendEmail: true, logoutSessions: true }), 422, 'EMAIL_MISSING');

    expect((await getReset(t, admin, user.id, reset.id)).status).toBe('pending');
    expect((await me(phone)).status).toBe(200);
    const address = `${user.username}.fixed@example.org`;
    expect((await t.http().patch(`/api/users/${user.id}`).set(admin.auth).send({ email: address })).status).toBe(200);
    const done = await completeOk(t, admin, user.id, reset.id, true, true);
    expect(done).toMatchObject({ status: 'completed', sessionsRevoked: 1, email: { address, valid: true } });
    await untilDelivery(user.id, reset.id, 'sent');
    expect(mailsTo(address)).toHaveLength(1);
    expect(mailsTo(address)[0].parsed.text).toContain(reset.password!);
  });

  it('refuses sendEmail for an invalid address on record (422 EMAIL_INVALID, nothing changes), then completes once the admin fixes it', async () => {
    const user = await createUser(t, admin, { password: STRONG_PASSWORD });
    const phone = await signIn(t, user.username, STRONG_PASSWORD, 'phone');
    // Imported records can hold addresses the API would not accept.
    await t.sql('update app_user set email = $2 where id = $1', [user.id, 'not an address@@example']);
    const reset = await resetOk(t, admin, user.id);
    expect(reset.email).toEqual({ address: 'not an address@@example', valid: false });

    expectProblem(await postComplete(t, admin, user.id, reset.id, { sendEmail: true, logoutSessions: true }), 422, 'EMAIL_INVALID');

    const still = await getReset(t, admin, user.id, reset.id);
    expect(still).toMatchObject({ status: 'pending', sendEmail: null, logoutSessions: null, completedAt: null });
    expect((await me(phone)).status).toBe(200);
    expect(await pendingCopyExists(t, reset.id)).toBe(true);
    const address = `${user.username}.fixed@example.org`;
    expect((await t.http().patch(`/api/users/${user.id}`).set(admin.auth).send({ email: address })).status).toBe(200);
    const done = await completeOk(t, admin, user.id, reset.id, true, true);
    expect(done).toMatchObject({ status: 'completed', sessionsRevoked: 1, email: { address, valid: true } });
    expectProblem(await me(phone), 401, 'UNAUTHENTICATED');
    await untilDelivery(user.id, reset.id, 'sent');
    expect(mailsTo(address)).toHaveLength(1);
  });

  it('answers 409 RESET_ALREADY_COMPLETED the second time and changes nothing', async () => {
    const user = await createUser(t, admin);
    const reset = await resetOk(t, admin, user.id);
    const first = await completeOk(t, admin, user.id, reset.id, false, false);

    expectProblem(await postComplete(t, admin, user.id, reset.id, { sendEmail: true, logoutSessions: true }), 409, 'RESET_ALREADY_COMPLETED');
    expect(await getReset(t, admin, user.id, reset.id)).toEqual(first);
  });

  it('answers 409 RESET_SUPERSEDED for a reset a newer one replaced, and emails nothing', async () => {
    const user = await createUser(t, admin);
    const older = await resetOk(t, admin, user.id);
    await resetOk(t, admin, user.id);

    expectProblem(await postComplete(t, admin, user.id, older.id, { sendEmail: true, logoutSessions: false }), 409, 'RESET_SUPERSEDED');
    expect((await getReset(t, admin, user.id, older.id)).status).toBe('superseded');
    expect(mailsTo(user.email!)).toHaveLength(0);
  });

  it('answers 410 RESET_EXPIRED after completeBy, and the reset reads expired', async () => {
    const user = await createUser(t, admin);
    const reset = await resetOk(t, admin, user.id);

    await advanceClock(3600 - 30);
    expect((await getReset(t, admin, user.id, reset.id)).status).toBe('pending');
    await advanceClock(31);

    expectProblem(await postComplete(t, admin, user.id, reset.id, { sendEmail: true, logoutSessions: true }), 410, 'RESET_EXPIRED');
    expect((await getReset(t, admin, user.id, reset.id)).status).toBe('expired');
    expect((await listResets(t, admin, user.id)).map((r) => r.status)).toEqual(['expired']);
  });

  it('closes with both toggles off: completed, nothing sent, no session ended', async () => {
    const { user, phone, laptop } = await userWithTwoSessions();
    const reset = await resetOk(t, admin, user.id);

    const done = await completeOk(t, admin, user.id, reset.id, false, false);

    expect(done).toMatchObject({
      status: 'completed',
      sendEmail: false,
      logoutSessions: false,
      sessionsRevoked: 0,
      email: { address: user.email, valid: true, delivery: 'not_requested', attempts: 0, sentAt: null, lastError: null },
    });
    expect((await me(phone)).status).toBe(200);
    expect((await me(laptop)).status).toBe(200);
    expect(mailsTo(user.email!)).toHaveLength(0);
  });

  it("answers 404 for an unknown reset, another user's reset and ids that are not UUIDs", async () => {
    const user = await createUser(t, admin);
    const other = await createUser(t, admin);
    const reset = await resetOk(t, admin, user.id);
    const body = { sendEmail: false, logoutSessions: false };

    expectProblem(await postComplete(t, admin, user.id, '5f1d7a0e-8c1b-4d2a-9a57-3f0c2b1e4d6a', body), 404, 'NOT_FOUND');
    expectProblem(await postComplete(t, admin, other.id, reset.id, body), 404, 'NOT_FOUND');
    expectProblem(await postComplete(t, admin, user.id, 'nope', body), 404, 'NOT_FOUND');
    expectProblem(await t.http().get(`/api/users/${other.id}/password-resets/${reset.id}`).set(admin.auth), 404, 'NOT_FOUND');
    expectProblem(await t.http().get(`/api/users/${user.id}/password-resets/nope`).set(admin.auth), 404, 'NOT_FOUND');
    expectProblem(await t.http().get('/api/users/nope/password-resets').set(admin.auth), 404, 'NOT_FOUND');
    expect((await getReset(t, admin, user.id, reset.id)).status).toBe('pending');
  });
});

describe('reading resets (GET …/password-resets and …/:resetId)', () => {
  it('lists a user\'s resets newest first with their statuses, never a password', async () => {
    const user = await createUser(t, admin);
    const first = await resetOk(t, admin, user.id);
    const second = await resetOk(t, admin, user.id);
    await completeOk(t, admin, user.id, second.id, false, false);
    const third = await resetOk(t, admin, user.id);

    const list = await listResets(t, admin, user.id);

    expect(list.map((r) => [r.id, r.status])).toEqual([
      [third.id, 'pending'],
      [second.id, 'completed'],
      [first.id, 'superseded'],
    ]);
    for (const view of list) expect(Object.keys(view).sort()).toEqual(VIEW_KEYS);
    expect(list[0]).toMatchObject({ sendEmail: null, logoutSessions: null, sessionsRevoked: null, completedAt: null });
    const text = JSON.stringify(list);
    for (const r of [first, second, third]) expect(text).not.toContain(r.password!);
    expect(await listResets(t, admin, (await createUser(t, admin)).id)).toEqual([]);
  });

  it('shows a parent reset as method iqama with requirePasswordChange as chosen', async () => {
    const parent = await createUser(t, admin, { type: 'parent', iqamaNumber: validIqama() });
    const reset = await resetOk(t, admin, parent.id, { requirePasswordChange: false });

    expect(await getReset(t, admin, parent.id, reset.id)).toMatchObject({ id: reset.id, method: 'iqama', requirePasswordChange: false, status: 'pending' });
  });
});

describe('the encrypted pending password', () => {
  it('is kept for a pending random reset and never for an IQAMA one', async () => {
    const user = await createUser(t, admin);
    const parent = await createUser(t, admin, { type: 'parent', iqamaNumber: validIqama() });
    const reset = await resetOk(t, admin, user.id);
    const parentReset = await resetOk(t, admin, parent.id);

    expect(await pendingCopyExists(t, reset.id)).toBe(true);
    expect(await pendingCopyExists(t, parentReset.id)).toBe(false);
    const [row] = await t.sql<{ raw: Buffer }>('select pending_password_encrypted as raw from password_reset where id = $1', [reset.id]);
    expect(row.raw.toString('latin1')).not.toContain(reset.password!);
  });

  it('is gone once the email is sent', async () => {
    const user = await createUser(t, admin);
    const reset = await resetOk(t, admin, user.id);
    await completeOk(t, admin, user.id, reset.id, true, false);

    await untilDelivery(user.id, reset.id, 'sent');
    await eventually(async () => !(await pendingCopyExists(t, reset.id)), 15_000, 'the pending copy to go');
  });

  it('is gone as soon as the reset is completed without email', async () => {
    const user = await createUser(t, admin);
    const reset = await resetOk(t, admin, user.id);
    await completeOk(t, admin, user.id, reset.id, false, true);

    expect(await pendingCopyExists(t, reset.id)).toBe(false);
  });

  it('is gone as soon as the reset is superseded', async () => {
    const user = await createUser(t, admin);
    const older = await resetOk(t, admin, user.id);
    const newer = await resetOk(t, admin, user.id);

    expect(await pendingCopyExists(t, older.id)).toBe(false);
    expect(await pendingCopyExists(t, newer.id)).toBe(true);
  });

  it('is gone as soon as a newer reset replaces a completed one whose email is still waiting for a retry', async () => {
    const user = await createUser(t, admin);
    const older = await resetOk(t, admin, user.id);
    t.smtp.failNext(1, 421);
    await completeOk(t, admin, user.id, older.id, true, false);
    await eventually(async () => {
      const view = await getReset(t, admin, user.id, older.id);
      return view.email.delivery === 'queued' && view.email.attempts === 1;
    }, 20_000, 'the first try to fail temporarily');
    expect(await pendingCopyExists(t, older.id)).toBe(true);

    await resetOk(t, admin, user.id);

    expect(await pendingCopyExists(t, older.id)).toBe(false);
    expect((await getReset(t, admin, user.id, older.id)).status).toBe('completed');
  });

  it('is gone after completeBy once the scheduled purge runs', async () => {
    const user = await createUser(t, admin);
    const reset = await resetOk(t, admin, user.id);
    const purge = t.app.get(PendingPasswordPurge);

    await purge.purge();
    expect(await pendingCopyExists(t, reset.id)).toBe(true);
    await advanceClock(3601);
    await purge.purge();

    expect(await pendingCopyExists(t, reset.id)).toBe(false);
    expect((await getReset(t, admin, user.id, reset.id)).status).toBe('expired');
  });
});
