import { PasswordReset } from '../domain/password-reset.entity';
import { statusOf, toCreatedView, toResetView } from '../domain/password-reset.view';
import { User } from '../domain/user.entity';

const T0 = new Date('2026-12-03T10:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

function user(email: string | null = 'fatima@example.org'): User {
  return Object.assign(new User(), { id: 'u-1', username: 'fatima.k', displayName: 'Fatima K.', email, type: 'customer' });
}

function reset(fields: Partial<PasswordReset> = {}): PasswordReset {
  return Object.assign(new PasswordReset(), {
    id: 'r-1',
    userId: 'u-1',
    performedById: 'a-1',
    performedByUsername: 'admin',
    method: 'random',
    requirePasswordChange: true,
    createdAt: T0,
    completeBy: at(3600),
    passwordExpiresAt: at(72 * 3600),
    pendingPasswordEncrypted: Buffer.from('sealed'),
    ...fields,
  });
}

const none = { sessionsRevoked: null, delivery: null };

describe('the PasswordReset a reader sees', () => {
  it('reads pending until completeBy, expired after it, and a stored status as it is', () => {
    expect(statusOf(reset(), at(3600))).toBe('pending');
    expect(statusOf(reset(), at(3601))).toBe('expired');
    expect(statusOf(reset({ status: 'completed' }), at(9999))).toBe('completed');
    expect(statusOf(reset({ status: 'superseded' }), at(9999))).toBe('superseded');
  });

  it('shows a pending reset with undecided toggles, the address on record and nothing requested', () => {
    expect(toResetView(reset(), user(), at(10), none)).toEqual({
      id: 'r-1',
      userId: 'u-1',
      status: 'pending',
      method: 'random',
      requirePasswordChange: true,
      createdAt: T0.toISOString(),
      completeBy: at(3600).toISOString(),
      completedAt: null,
      performedBy: { id: 'a-1', username: 'admin' },
      sendEmail: null,
      logoutSessions: null,
      sessionsRevoked: null,
      email: { address: 'fatima@example.org', valid: true, delivery: 'not_requested', attempts: 0, sentAt: null, lastError: null },
    });
  });

  it('shows a completed reset with the sessions it ended and its email delivery at the address it was sent to', () => {
    const completed = reset({ status: 'completed', completedAt: at(60), sendEmail: true, logoutSessions: true, emailAddress: 'old@example.org' });
    const view = toResetView(completed, user('new@example.org'), at(120), {
      sessionsRevoked: 3,
      delivery: { delivery: 'sent', address: 'old@example.org', attempts: 2, sentAt: at(90).toISOString(), lastError: null },
    });

    expect(view).toMatchObject({ status: 'completed', completedAt: at(60).toISOString(), sendEmail: true, logoutSessions: true, sessionsRevoked: 3 });
    expect(view.email).toEqual({ address: 'old@example.org', valid: true, delivery: 'sent', attempts: 2, sentAt: at(90).toISOString(), lastError: null });
  });

  it('reports sessionsRevoked 0 without logoutSessions, and a requested email not yet recorded as queued', () => {
    const completed = reset({ status: 'completed', completedAt: at(60), sendEmail: true, logoutSessions: false, emailAddress: 'fatima@example.org' });
    const view = toResetView(completed, user(), at(61), { sessionsRevoked: 5, delivery: null });

    expect(view.sessionsRevoked).toBe(0);
    expect(view.email).toMatchObject({ delivery: 'queued', attempts: 0 });
  });

  it('marks a missing or invalid address on record as not valid', () => {
    expect(toResetView(reset(), user(null), at(1), none).email).toMatchObject({ address: null, valid: false });
    expect(toResetView(reset(), user('not an address'), at(1), none).email).toMatchObject({ address: 'not an address', valid: false });
  });

  it('never carries a password; only the 201 does, and only the one given', () => {
    const text = JSON.stringify(toResetView(reset(), user(), at(1), none));
    expect(text).not.toMatch(/password"/i);
    expect(toCreatedView(reset(), user(), 'x7#Kp-secret')).toMatchObject({ status: 'pending', password: 'x7#Kp-secret', passwordExpiresAt: at(72 * 3600).toISOString() });
    expect(toCreatedView(reset({ method: 'iqama' }), user(), null).password).toBeNull();
  });
});
