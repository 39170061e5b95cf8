import { JobQueue } from '@app/core';
import { DeliverPasswordResetEmailWorker } from '@app/notifications/deliver-password-reset-email/deliver-password-reset-email.worker';
import { createUser, eventually, loginAdmin, SignedIn, startApp, TestApp } from '../support/harness';

/**
 * "A job held by an instance that died is taken up again within two minutes." The job is claimed here as a
 * dead instance would have left it (active, never finished); pg-boss expires it after 60 s, the supervisor
 * notices within 15 s, and it is retried after the first back-off step (5–10 s).
 */
const TWO_MINUTES_MS = 120_000;

let t: TestApp;
let admin: SignedIn;

beforeAll(async () => {
  t = await startApp();
  admin = await loginAdmin(t);
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

it('sends the email of a job whose instance died within two minutes', async () => {
  const user = await createUser(t, admin);
  const boss = t.app.get(JobQueue).boss;
  // This instance stops working the queue, so that the job waits until we claim it as the dying instance.
  await boss.offWork('password-reset-email', { wait: true });
  const reset = await t.http().post(`/api/users/${user.id}/password-resets`).set(admin.auth).send({});
  expect(reset.status).toBe(201);
  const complete = await t.http().post(`/api/users/${user.id}/password-resets/${reset.body.id}/complete`).set(admin.auth).send({ sendEmail: true, logoutSessions: false });
  expect(complete.status).toBe(200);
  const [claimed] = await eventually(() => boss.fetch('password-reset-email').then((jobs) => (jobs.length > 0 ? jobs : null)));
  expect(claimed.data).toEqual({ resetId: reset.body.id });
  const diedAt = Date.now();

  // A live instance (this one, working again) takes it up.
  await t.app.get(DeliverPasswordResetEmailWorker).onApplicationBootstrap();

  const status = await eventually(async () => {
    const response = await t.http().get(`/api/users/${user.id}/password-resets/${reset.body.id}`).set(admin.auth);
    return response.body.email?.delivery === 'sent' ? response.body.email : null;
  }, TWO_MINUTES_MS, 'the email of the abandoned job');
  expect(Date.now() - diedAt).toBeLessThan(TWO_MINUTES_MS);
  expect(status).toMatchObject({ delivery: 'sent', attempts: 1 });
  expect(t.smtp.messages.filter((m) => m.to.includes(user.email!))).toHaveLength(1);
}, TWO_MINUTES_MS + 30_000);
