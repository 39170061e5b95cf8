import { createUser, eventually, loginAdmin, SignedIn, startApp, TestApp } from '../support/harness';

/** Two temporary failures at MAIL_MAX_ATTEMPTS=2: one back-off wait of 5–10 s, then the delivery gives up. */
const TEST_TIMEOUT_MS = 60_000;

let t: TestApp;
let admin: SignedIn;

beforeAll(async () => {
  t = await startApp({ env: { MAIL_MAX_ATTEMPTS: '2' } });
  admin = await loginAdmin(t);
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

describe('a reset email that keeps failing temporarily', () => {
  it('ends failed once MAIL_MAX_ATTEMPTS tries were made, with the last reason, and the failure is announced', async () => {
    const user = await createUser(t, admin);
    t.smtp.failNext(2, 421);
    const created = await t.http().post(`/api/users/${user.id}/password-resets`).set(admin.auth).send({});
    expect(created.status).toBe(201);
    const resetId: string = created.body.id;
    const completed = await t.http().post(`/api/users/${user.id}/password-resets/${resetId}/complete`).set(admin.auth).send({ sendEmail: true, logoutSessions: false });
    expect(completed.status).toBe(200);

    const status = await eventually(async () => {
      const response = await t.http().get(`/api/users/${user.id}/password-resets/${resetId}`).set(admin.auth);
      return response.body.email?.delivery === 'failed' ? response.body.email : null;
    }, 45_000, 'the delivery to fail');
    expect(status).toMatchObject({ delivery: 'failed', attempts: 2, sentAt: null, lastError: '421 Try again later' });
    expect(t.smtp.messages).toHaveLength(0);

    const [event] = await eventually(() =>
      t.sql<{ payload: Record<string, unknown> }>(
        `select payload from outbox_event where name = 'notifications.password_reset_email_failed' and payload->>'resetId' = $1`,
        [resetId],
      ).then((rows) => (rows.length > 0 ? rows : null)),
    );
    expect(event.payload).toMatchObject({ attempts: 2, reason: '421 Try again later' });
    // Given up: the pending copy of the password is dropped.
    await eventually(async () => {
      const [row] = await t.sql<{ pending: boolean }>('select pending_password_encrypted is not null as pending from password_reset where id = $1', [resetId]);
      return row && !row.pending;
    }, 15_000, 'the pending password to be discarded');
  }, TEST_TIMEOUT_MS);
});
