import { JobQueue, OutboxDispatcher, Transaction, UnitOfWork } from '@app/core';
import { RevokeUserSessionsHandler } from '@app/sessions/revoke-user-sessions/revoke-user-sessions.handler';
import { PasswordHasher } from '@app/users/domain/password-hasher';
import { createUser, eventually, loginAdmin, SignedIn, startApp, TestApp } from '../support/harness';
import {
  attemptLogin,
  completeOk,
  expectProblem,
  getReset,
  listResets,
  pendingCopyExists,
  postComplete,
  postReset,
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

afterEach(() => {
  jest.restoreAllMocks();
});

afterAll(async () => {
  await t?.stop();
});

function me(session: SignedIn) {
  return t.http().get('/api/auth/me').set(session.auth);
}

function mailsTo(address: string) {
  return t.smtp.messages.filter((m) => m.to.includes(address));
}

function untilDelivery(userId: string, resetId: string, delivery: string): Promise<ResetView> {
  return eventually(async () => {
    const view = await getReset(t, admin, userId, resetId);
    return view.email.delivery === delivery ? view : null;
  }, 30_000, `email delivery ${delivery}`);
}

async function completedEventOf(resetId: string): Promise<{ id: string; attempts: number; dispatched: boolean }[]> {
  return t.sql(
    `select id, attempts, dispatched_at is not null as dispatched from outbox_event
      where name = 'users.password_reset_completed' and payload->>'resetId' = $1`,
    [resetId],
  );
}

async function revocationsOf(resetId: string): Promise<{ count: number }[]> {
  return t.sql(
    `select (payload->>'count')::int as count from outbox_event
      where name = 'sessions.user_sessions_revoked' and payload->>'correlationId' = $1`,
    [resetId],
  );
}

async function userWithTwoSessions() {
  const user = await createUser(t, admin, { password: STRONG_PASSWORD });
  return { user, phone: await signIn(t, user.username, STRONG_PASSWORD, 'phone'), laptop: await signIn(t, user.username, STRONG_PASSWORD, 'laptop') };
}

describe('faults between a reset and its follow-up work', () => {
  it('retries a session revocation that fails once: the admin still gets 200 after both sessions ended, and they end once', async () => {
    const { user, phone, laptop } = await userWithTwoSessions();
    const reset = await resetOk(t, admin, user.id);
    const handler = t.app.get(RevokeUserSessionsHandler);
    const execute = jest.spyOn(handler, 'execute').mockRejectedValueOnce(new Error('connection reset while revoking'));

    const response = await postComplete(t, admin, user.id, reset.id, { sendEmail: false, logoutSessions: true });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'completed', logoutSessions: true, sessionsRevoked: 2 });
    expectProblem(await me(phone), 401, 'UNAUTHENTICATED');
    expectProblem(await me(laptop), 401, 'UNAUTHENTICATED');
    expect(execute).toHaveBeenCalledTimes(2);
    expect(await revocationsOf(reset.id)).toEqual([{ count: 2 }]);
    const [event] = await completedEventOf(reset.id);
    expect(event.dispatched).toBe(true);
    const receipts = await t.sql(`select count(*)::int as n from processed_message where event_id = $1 and consumer = 'sessions.revoke-user-sessions'`, [event.id]);
    expect(receipts).toEqual([{ n: 1 }]);
  });

  it('retries queueing the email when the job queue fails once: exactly one email, sent once', async () => {
    const user = await createUser(t, admin);
    const reset = await resetOk(t, admin, user.id);
    const jobs = t.app.get(JobQueue);
    const send = jest.spyOn(jobs, 'send').mockRejectedValueOnce(new Error('job queue unavailable'));

    const response = await postComplete(t, admin, user.id, reset.id, { sendEmail: true, logoutSessions: false });

    expect(response.status).toBe(200);
    expect(send).toHaveBeenCalledTimes(2);
    const sent = await untilDelivery(user.id, reset.id, 'sent');
    expect(sent.email).toMatchObject({ delivery: 'sent', attempts: 1 });
    expect(mailsTo(user.email!)).toHaveLength(1);
    expect(mailsTo(user.email!)[0].parsed.text).toContain(reset.password!);
    expect(await t.sql(`select count(*)::int as n from pgboss.job where name = 'password-reset-email' and data->>'resetId' = $1`, [reset.id])).toEqual([{ n: 1 }]);
  });

  it('loses nothing when the process stops between the commit and the dispatch: the leftover is delivered later, once', async () => {
    const { user, phone, laptop } = await userWithTwoSessions();
    const reset = await resetOk(t, admin, user.id);
    const dispatcher = t.app.get(OutboxDispatcher);
    const skipped: string[][] = [];
    // The "crash": the transaction commits, then nothing delivers its events.
    jest.spyOn(dispatcher, 'deliverNow').mockImplementationOnce(async (ids: string[]) => {
      skipped.push(ids);
    });

    const response = await postComplete(t, admin, user.id, reset.id, { sendEmail: true, logoutSessions: true });

    expect(response.status).toBe(200);
    const [event] = await completedEventOf(reset.id);
    expect(skipped).toEqual([[event.id]]);
    expect(event.dispatched).toBe(false);
    // The sweeper (every 2 s, rows older than 5 s) takes it up.
    await eventually(async () => (await me(phone)).status === 401, 30_000, 'the old sessions to be revoked by the sweeper');
    expectProblem(await me(laptop), 401, 'UNAUTHENTICATED');
    const sent = await untilDelivery(user.id, reset.id, 'sent');
    expect(sent).toMatchObject({ sessionsRevoked: 2, email: { delivery: 'sent', attempts: 1 } });
    expect(mailsTo(user.email!)).toHaveLength(1);
    expect(await revocationsOf(reset.id)).toEqual([{ count: 2 }]);
    expect(await completedEventOf(reset.id)).toEqual([{ id: event.id, attempts: 1, dispatched: true }]);
  });

  it('leaves one winner of two racing resets; the loser is RESET_SUPERSEDED and its password is never emailed', async () => {
    const user = await createUser(t, admin);
    const [a, b] = await Promise.all([postReset(t, admin, user.id, {}), postReset(t, admin, user.id, {})]);
    expect([a.status, b.status]).toEqual([201, 201]);

    const list = await listResets(t, admin, user.id);
    expect(list.map((r) => r.status).sort()).toEqual(['pending', 'superseded']);
    const winner = [a.body, b.body].find((r) => r.id === list.find((x) => x.status === 'pending')!.id);
    const loser = [a.body, b.body].find((r) => r.id === list.find((x) => x.status === 'superseded')!.id);
    expect(winner && loser && winner.id !== loser.id).toBe(true);

    const [loserComplete, winnerComplete] = await Promise.all([
      postComplete(t, admin, user.id, loser.id, { sendEmail: true, logoutSessions: true }),
      postComplete(t, admin, user.id, winner.id, { sendEmail: true, logoutSessions: true }),
    ]);

    expectProblem(loserComplete, 409, 'RESET_SUPERSEDED');
    expect(winnerComplete.status).toBe(200);
    await untilDelivery(user.id, winner.id, 'sent');
    const mails = mailsTo(user.email!);
    expect(mails).toHaveLength(1);
    // Decoded parts: the raw message is quoted-printable ('=' reads '=3D') and the HTML escapes '&' and friends.
    const html = String(mails[0].parsed.html)
      .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
      .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
      .replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    expect(mails[0].parsed.text).toContain(winner.password);
    expect(html).toContain(winner.password);
    expect(mails[0].parsed.text).not.toContain(loser.password);
    expect(html).not.toContain(loser.password);
    expect(await pendingCopyExists(t, loser.id)).toBe(false);
    expect((await getReset(t, admin, user.id, loser.id)).email.delivery).toBe('not_requested');
    expectProblem(await attemptLogin(t, user.username, loser.password), 401, 'INVALID_CREDENTIALS');
    expect((await attemptLogin(t, user.username, winner.password)).status).toBe(200);
  });

  it('keeps a reset completed when a newer reset of the same user runs while that completion commits', async () => {
    const { user, phone } = await (async () => {
      const u = await createUser(t, admin, { password: STRONG_PASSWORD });
      return { user: u, phone: await signIn(t, u.username, STRONG_PASSWORD, 'phone') };
    })();
    const first = await resetOk(t, admin, user.id);
    const uow = t.app.get(UnitOfWork);
    const run = uow.run.bind(uow);
    let reached!: () => void;
    const completionWritten = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const mayCommit = new Promise<void>((resolve) => (release = resolve));
    // The completion's changes are written (the row is locked) but not yet committed when the newer reset arrives.
    jest.spyOn(uow, 'run').mockImplementationOnce((work, options) =>
      run(async (tx: Transaction) => {
        const value = await work(tx);
        await tx.em.flush();
        reached();
        await mayCommit;
        return value;
      }, options) as never,
    );
    const completion = postComplete(t, admin, user.id, first.id, { sendEmail: false, logoutSessions: true }).then((r) => r);
    await completionWritten;
    const newer = postReset(t, admin, user.id, {}).then((r) => r);
    await eventually(async () => {
      const [row] = await t.sql<{ n: number }>(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
      return row.n > 0;
    }, 15_000, 'the newer reset to wait for the completion');
    release();

    const [completed, second] = await Promise.all([completion, newer]);

    expect(completed.status).toBe(200);
    expect(completed.body).toMatchObject({ status: 'completed', sessionsRevoked: 1 });
    expect(second.status).toBe(201);
    expect(await getReset(t, admin, user.id, first.id)).toMatchObject({ status: 'completed', logoutSessions: true, sessionsRevoked: 1 });
    expect((await getReset(t, admin, user.id, second.body.id)).status).toBe('pending');
    expectProblem(await t.http().get('/api/auth/me').set(phone.auth), 401, 'UNAUTHENTICATED');
  });

  it('ends a session whose sign-in with the old password was still being checked when the reset happened', async () => {
    const user = await createUser(t, admin, { password: STRONG_PASSWORD });
    const hasher = t.app.get(PasswordHasher);
    const verify = hasher.verify.bind(hasher);
    let checked!: () => void;
    const oldPasswordChecked = new Promise<void>((resolve) => (checked = resolve));
    let release!: () => void;
    const resetDone = new Promise<void>((resolve) => (release = resolve));
    // A sign-in that read and checked the old hash just before the reset, and opens its session just after.
    jest.spyOn(hasher, 'verify').mockImplementationOnce(async (password, hash) => {
      const ok = await verify(password, hash);
      checked();
      await resetDone;
      return ok;
    });
    const racingSignIn = t.http().post('/api/auth/login').set('User-Agent', 'attacker').send({ login: user.username, password: STRONG_PASSWORD }).then((r) => r);
    await oldPasswordChecked;
    const reset = await resetOk(t, admin, user.id);
    release();
    const signedIn = await racingSignIn;

    if (signedIn.status === 200) {
      await completeOk(t, admin, user.id, reset.id, false, true);
      // Whatever the sign-in answered, the session it opened with the old password must not outlive "Logout Existing Sessions".
      expectProblem(await t.http().get('/api/auth/me').set('Authorization', `Bearer ${signedIn.body.accessToken}`), 401, 'UNAUTHENTICATED');
      expectProblem(await t.http().post('/api/auth/refresh').send({ refreshToken: signedIn.body.refreshToken }), 401, 'UNAUTHENTICATED');
    } else {
      expectProblem(signedIn, 401, 'INVALID_CREDENTIALS');
    }
  });

  it('resets 20 users at once and delivers each of their 20 concurrent completes exactly once', async () => {
    const accounts = [];
    for (let i = 0; i < 20; i++) {
      const user = await createUser(t, admin, { password: STRONG_PASSWORD });
      accounts.push({ user, session: await signIn(t, user.username, STRONG_PASSWORD, 'device') });
    }
    // The resets themselves race too (one admin: they take turns on the admin's rate-limit counter).
    const users = await Promise.all(accounts.map(async (account) => ({ ...account, reset: await resetOk(t, admin, account.user.id) })));

    const responses = await Promise.all(users.map(({ user, reset }) => postComplete(t, admin, user.id, reset.id, { sendEmail: true, logoutSessions: true })));

    expect(responses.map((r) => r.status)).toEqual(users.map(() => 200));
    expect(responses.map((r) => r.body.sessionsRevoked)).toEqual(users.map(() => 1));
    for (const { session } of users) expectProblem(await me(session), 401, 'UNAUTHENTICATED');
    for (const { user, reset } of users) {
      const view = await untilDelivery(user.id, reset.id, 'sent');
      expect(view.email).toMatchObject({ delivery: 'sent', attempts: 1, address: user.email });
    }
    for (const { user, reset } of users) {
      const mails = mailsTo(user.email!);
      expect(mails).toHaveLength(1);
      expect(mails[0].parsed.text).toContain(reset.password!);
      expect(await revocationsOf(reset.id)).toEqual([{ count: 1 }]);
    }
    const resetIds = users.map(({ reset }) => reset.id);
    const jobs = await t.sql<{ n: number }>(
      `select count(*)::int as n from pgboss.job where name = 'password-reset-email' and data->>'resetId' = any($1::text[])`,
      [resetIds],
    );
    expect(jobs).toEqual([{ n: 20 }]);
    const undelivered = await t.sql(
      `select id from outbox_event where name = 'users.password_reset_completed' and payload->>'resetId' = any($1::text[]) and dispatched_at is null`,
      [resetIds],
    );
    expect(undelivered).toEqual([]);
  });
});
