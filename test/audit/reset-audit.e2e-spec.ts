import { createUser, eventually, login, loginAdmin, SignedIn, startApp, TestApp, validIqama } from '../support/harness';
import { strongPassword } from './support';

interface AuditEvent {
  seq: number;
  action: string;
  actor: { id: string; username: string } | null;
  target: { id: string; username: string } | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  correlationId: string | null;
  details: Record<string, unknown>;
}

describe('the audit trail of a real password reset', () => {
  let t: TestApp;
  let admin: SignedIn;

  beforeAll(async () => {
    t = await startApp();
    admin = await loginAdmin(t);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const eventsOf = async (query: string): Promise<AuditEvent[]> =>
    (await t.http().get(`/api/audit/events?${query}`).set(admin.auth).expect(200)).body.items;
  const wholeTrail = async () => JSON.stringify(await t.sql('select * from audit_event'));

  it('records the reset in its own transaction, then the completion and its follow-ups under the reset id', async () => {
    const initial = strongPassword();
    const user = await createUser(t, admin, { type: 'customer', password: initial });
    await login(t, user.username, initial); // a session for the completion to end
    const reset = await t
      .http()
      .post(`/api/users/${user.id}/password-resets`)
      .set(admin.auth)
      .set({ 'User-Agent': 'audit-e2e', 'X-Request-Id': 'audit-flow-request-1' })
      .send({ reason: 'ticket 4711' })
      .expect(201);
    const resetId: string = reset.body.id;
    const adminRef = { id: admin.user.id, username: admin.user.username };
    const userRef = { id: user.id, username: user.username };

    // Committed with the reset: readable as soon as the response is.
    const [performed] = await eventsOf(`correlationId=${resetId}`);
    expect(performed).toMatchObject({
      action: 'password_reset.performed',
      actor: adminRef,
      target: userRef,
      correlationId: resetId,
      ip: '127.0.0.1',
      userAgent: 'audit-e2e',
      requestId: 'audit-flow-request-1',
      details: { method: 'random', requirePasswordChange: true, reason: 'ticket 4711' },
    });

    await t.http().post(`/api/users/${user.id}/password-resets/${resetId}/complete`).set(admin.auth).send({ sendEmail: true, logoutSessions: true }).expect(200);
    const trail = await eventually(async () => {
      const events = await eventsOf(`correlationId=${resetId}`);
      return events.some((e) => e.action === 'password_reset.email_sent') ? events : null;
    }, 20_000, 'the email_sent audit event');
    const byAction = Object.fromEntries(trail.map((e) => [e.action, e]));
    expect(Object.keys(byAction).sort()).toEqual(['password_reset.completed', 'password_reset.email_sent', 'password_reset.performed', 'sessions.revoked']);
    for (const event of trail) expect(event).toMatchObject({ actor: adminRef, target: userRef, correlationId: resetId });
    expect(byAction['password_reset.completed'].details).toEqual({ sendEmail: true, logoutSessions: true });
    expect(byAction['sessions.revoked'].details).toEqual({ count: 1, reason: 'password_reset' });
    expect(byAction['password_reset.email_sent'].details).toEqual({ address: user.email, attempts: 1 });

    expect(await wholeTrail()).not.toContain(reset.body.password);
    expect(await wholeTrail()).not.toContain(initial);
    expect((await t.http().get('/api/audit/verify').set(admin.auth).expect(200)).body).toMatchObject({ valid: true, firstInvalidSeq: null });
  });

  it('records user creation and email changes, with both addresses', async () => {
    const user = await createUser(t, admin, { type: 'employee', email: 'before@example.org' });
    await t.http().patch(`/api/users/${user.id}`).set(admin.auth).send({ email: 'after@example.org' }).expect(200);
    const events = await eventsOf(`targetId=${user.id}`);
    expect(events.map((e) => [e.action, e.details])).toEqual([
      ['user.email_changed', { old: 'before@example.org', new: 'after@example.org' }],
      ['user.created', { type: 'employee', roles: [] }],
    ]);
  });

  it('never writes a parent\'s IQAMA number into the trail', async () => {
    const iqama = validIqama();
    const parent = await createUser(t, admin, { type: 'parent', iqamaNumber: iqama });
    const reset = await t.http().post(`/api/users/${parent.id}/password-resets`).set(admin.auth).send({}).expect(201);
    const [performed] = await eventsOf(`correlationId=${reset.body.id}`);
    expect(performed.details).toMatchObject({ method: 'iqama' });
    expect(await wholeTrail()).not.toContain(iqama);
    expect(await wholeTrail()).not.toContain(iqama.slice(2));
  });
});
