import { eventually, expectProblem, ResetCreated, SignedIn } from './support/api';
import { BCRYPT_COST, Instance } from './support/cluster';
import { Db, LockingSession, waitForLockWaiter } from './support/db';
import { scanForSecrets } from './support/secrets';
import { poll } from './support/smtp';
import { Rig, startRig } from './support/suite';

jest.setTimeout(60000);

/**
 * SIGKILL at the points where a completed reset's work is half done, each hit ROUNDS times. Every crash
 * is pinned to its point by a lock the test holds (or by the SMTP sink holding the message), so it lands
 * exactly there rather than somewhere near. One built instance, so the work in flight is its own; it is
 * restarted after each kill. Two kills per round: one lands on three points at once (after commit, while
 * sending, between acceptance and completion), the other while sessions are being revoked (its lock
 * cannot coexist with the first kill's table lock). Recovery waits for the outbox lease (60 s) or for
 * pg-boss to expire the dead worker's job (60 s, then the supervisor's 15 s and the retry delay), so all
 * crashes happen first and every point is then checked against the contract's two-minute deadline,
 * counted from the last crash.
 */
const ROUNDS = 3;
/** The contract: "A job held by an instance that died is taken up again within two minutes." */
const RECOVERY_DEADLINE_MS = 120_000;

type Point = 'committed-before-handlers' | 'email-sending' | 'email-accepted-not-recorded' | 'revoking-sessions';

interface Scenario {
  point: Point;
  round: number;
  userId: string;
  email: string;
  reset: ResetCreated;
  before: SignedIn[];
  after: SignedIn;
}

describe('crashes (SIGKILL) where work is half done', () => {
  let rig: Rig;
  let admin: SignedIn;
  let app: Instance;
  const scenarios: Scenario[] = [];
  let lastCrashAt = 0;
  let kills = 0;

  beforeAll(async () => {
    rig = await startRig({ suite: 'crash', instances: 1, env: { RESET_MAX_PER_ADMIN_PER_MINUTE: '1000' } });
    app = rig.cluster.a;
    admin = await rig.api.loginAdmin(app);
  }, 90000);

  afterAll(async () => {
    await rig?.stop();
  });

  /** Waits for a backend blocked by the test's lock-holding backend `holder`. */
  async function blockedOn(holder: LockingSession, what: string): Promise<void> {
    await waitForLockWaiter(rig.db, await holder.pid(), 20000).catch((error: Error) => {
      throw new Error(`${what}: ${error.message}`);
    });
  }

  async function crash(): Promise<void> {
    await app.kill();
    kills += 1;
    lastCrashAt = Date.now();
  }

  /** A user with two sessions from before the reset, the reset (step 1), and one session opened with the new password. */
  async function prepare(point: Point, round: number): Promise<Scenario> {
    const user = await rig.api.userWhoCanSignIn(app, admin);
    const before = [await rig.api.login(app, user.username, user.password), await rig.api.login(app, user.username, user.password)];
    const reset = await rig.api.reset(app, admin, user.id, { requirePasswordChange: false, reason: `crash ${point}` });
    const after = await rig.api.login(app, user.username, reset.password!);
    const scenario = { point, round, userId: user.id, email: user.email!, reset, before, after };
    scenarios.push(scenario);
    return scenario;
  }

  const complete = (s: Scenario) => rig.api.completeRequest(app, admin, s.userId, s.reset.id, { sendEmail: true, logoutSessions: true });
  /** A completion whose answer the crash will cut off. */
  const completeUnanswered = (s: Scenario) =>
    complete(s).then(
      (response) => `answered ${response.status}`,
      () => 'no answer',
    );
  const resetStatus = async (s: Scenario) => (await rig.db.one<{ status: string }>('select status from password_reset where id = $1', [s.reset.id])).status;
  const deliveryStatus = async (s: Scenario) => (await rig.db.query<{ status: string }>('select status from email_delivery where reset_id = $1', [s.reset.id]))[0]?.status;

  /**
   * One kill on three points: B's email is in DATA (the SMTP server has not answered); B2's email was
   * accepted but its "sent" update waits on a row lock; A's completion has committed and every
   * after-commit consumer waits on processed_message.
   */
  async function killMidSendAndAfterCommit(round: number): Promise<void> {
    const sending = await prepare('email-sending', round);
    const accepted = await prepare('email-accepted-not-recorded', round);
    const committed = await prepare('committed-before-handlers', round);
    rig.smtp.hold((to) => to.includes(sending.email) || to.includes(accepted.email));
    expect((await complete(sending)).status).toBe(200);
    expect((await complete(accepted)).status).toBe(200);
    const heldSending = await rig.smtp.waitForHeld(sending.email);
    const heldAccepted = await rig.smtp.waitForHeld(accepted.email);

    const deliveryLock = await Db.lockingSession(rig.databaseUrl);
    const consumersLock = await Db.lockingSession(rig.databaseUrl);
    try {
      await deliveryLock.db.query('select 1 from email_delivery where reset_id = $1 for update', [accepted.reset.id]);
      rig.smtp.releaseOne(heldAccepted);
      await blockedOn(deliveryLock, 'the sent email waiting to be recorded');
      expect(rig.smtp.messages.filter((m) => m.messageId?.includes(accepted.reset.id))).toHaveLength(1);

      await consumersLock.db.query('lock table processed_message in exclusive mode');
      const answer = completeUnanswered(committed);
      await eventually(async () => (await resetStatus(committed)) === 'completed', 15000, 'the completion to commit');
      await blockedOn(consumersLock, 'the after-commit consumers');

      await crash();
      expect(await answer).toBe('no answer');
    } finally {
      await deliveryLock.release();
      await consumersLock.release();
    }
    await poll(() => rig.smtp.isClosed(heldSending.sessionId), 10000, 'the SMTP client to go away');
    rig.smtp.release();
    expect(rig.smtp.dropped).toBe(round);
    await app.start(45000);
  }

  /** The sessions saga's UPDATE waits on the session rows; the email has already gone out. */
  async function killWhileRevoking(round: number): Promise<void> {
    const revoking = await prepare('revoking-sessions', round);
    const lock = await Db.lockingSession(rig.databaseUrl);
    try {
      await lock.db.query('select id from session where user_id = $1 for update', [revoking.userId]);
      const answer = completeUnanswered(revoking);
      await eventually(async () => (await deliveryStatus(revoking)) === 'sent', 20000, 'the email to be sent while the revocation waits');
      await blockedOn(lock, 'the revocation');
      expect(await rig.db.query('select 1 from session where user_id = $1 and revoked_at is not null', [revoking.userId])).toHaveLength(0);
      await crash();
      expect(await answer).toBe('no answer');
    } finally {
      await lock.release();
    }
    await app.start(45000);
  }

  it(`hits every crash point ${ROUNDS} times, restarting the killed instance each time`, async () => {
    // The job-expiry recoveries (the longest) start first; the outbox-lease ones overlap them.
    for (let round = 1; round <= ROUNDS; round++) await killMidSendAndAfterCommit(round);
    for (let round = 1; round <= ROUNDS; round++) await killWhileRevoking(round);
    expect(kills).toBe(2 * ROUNDS);
    expect(scenarios).toHaveLength(4 * ROUNDS);
    await app.waitReady(5000);
  }, 240000);

  /** Waits until the scenario's work has settled, then checks it is complete and done once. */
  async function settled(s: Scenario) {
    await eventually(
      async () => {
        const [row] = await rig.db.query<{ done: boolean }>(
          `select (select status from password_reset where id = $1) = 'completed'
              and (select status from email_delivery where reset_id = $1) = 'sent'
              and not exists (select 1 from pgboss.job where name = 'password-reset-email' and singleton_key = $1::text and state < 'completed')
              and not exists (select 1 from outbox_event where dispatched_at is null and (payload->>'resetId' = $1::text or payload->>'correlationId' = $1::text))
              and not exists (select 1 from session where user_id = $2 and revoked_at is null and created_at < (select created_at from password_reset where id = $1))
              as done`,
          [s.reset.id, s.userId],
        );
        return row.done;
      },
      Math.max(1000, lastCrashAt + RECOVERY_DEADLINE_MS - Date.now()),
      `${s.point} round ${s.round} (reset ${s.reset.id}) to settle within two minutes of the last crash`,
    );
  }

  async function expectCompleteAndOnce(s: Scenario, copies: number, attempts: number) {
    for (const session of s.before) expectProblem(await app.http().get('/api/auth/me').set(session.auth), 401, 'UNAUTHENTICATED');
    await app.http().get('/api/auth/me').set(s.after.auth).expect(200);
    const sessions = await rig.db.query<{ revoked_correlation_id: string | null }>('select revoked_correlation_id from session where id = any($1::uuid[])', [
      s.before.map((x) => JSON.parse(Buffer.from(x.accessToken.split('.')[1], 'base64url').toString()).sid),
    ]);
    expect(sessions.map((row) => row.revoked_correlation_id)).toEqual([s.reset.id, s.reset.id]);

    const mails = rig.smtp.messages.filter((m) => m.messageId?.includes(s.reset.id));
    expect(mails.map((m) => m.to)).toEqual(Array.from({ length: copies }, () => [s.email]));
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(1);
    const delivery = await rig.db.one<{ attempts: number; message_id: string; pending: boolean }>(
      `select d.attempts, d.message_id, r.pending_password_encrypted is not null as pending
         from email_delivery d join password_reset r on r.id = d.reset_id where d.reset_id = $1`,
      [s.reset.id],
    );
    expect(delivery).toEqual({ attempts, message_id: mails[0].messageId, pending: false });

    if (await rig.db.tableExists('audit_event')) {
      const rows = await rig.db.query<{ action: string; n: number }>(
        'select action, count(*)::int as n from audit_event where correlation_id = $1 group by action order by action',
        [s.reset.id],
      );
      expect(Object.fromEntries(rows.map((r) => [r.action, r.n]))).toEqual({
        'password_reset.completed': 1,
        'password_reset.email_sent': 1,
        'password_reset.performed': 1,
        'sessions.revoked': 1,
      });
    }
  }

  const of = (point: Point) => () => scenarios.filter((s) => s.point === point);

  it('after the completion commits and before its events are handled: sessions revoked, audit rows once, exactly one email', async () => {
    expect(of('committed-before-handlers')().length).toBe(ROUNDS);
    for (const s of of('committed-before-handlers')()) {
      await settled(s);
      await expectCompleteAndOnce(s, 1, 1);
    }
  }, 150000);

  it('while the email is being sent (no SMTP reply yet): taken up again within two minutes, exactly one email', async () => {
    expect(of('email-sending')().length).toBe(ROUNDS);
    for (const s of of('email-sending')()) {
      await settled(s);
      await expectCompleteAndOnce(s, 1, 2);
    }
  }, 150000);

  it('between the SMTP server accepting the email and the job recording it: a second copy with the same Message-ID (at least once; the duplicate is recognisable), recorded sent once', async () => {
    expect(of('email-accepted-not-recorded')().length).toBe(ROUNDS);
    for (const s of of('email-accepted-not-recorded')()) {
      await settled(s);
      await expectCompleteAndOnce(s, 2, 2);
    }
  }, 150000);

  it('while the sessions are being revoked: revoked after the restart, and the email, already sent, is not sent again', async () => {
    expect(of('revoking-sessions')().length).toBe(ROUNDS);
    for (const s of of('revoking-sessions')()) {
      await settled(s);
      await expectCompleteAndOnce(s, 1, 1);
    }
  }, 150000);

  it('leaves no secret in the logs of any life of either instance, in the tables or in the job payloads', async () => {
    const result = await scanForSecrets(rig.db, rig.secrets, rig.cluster.logFiles, BCRYPT_COST);
    expect(result.scanned.logFiles).toBe(1 + 2 * ROUNDS);
    expect(result.findings).toEqual([]);
  });
});
