import { RequestContext } from '@app/core';
import { PasswordResetCompletedEvent, PasswordResetEvent, UserCreatedEvent, UserEmailChangedEvent, UserPasswordChangedEvent } from '@app/users';
import { UserSessionsRevokedEvent } from '@app/sessions';
import { PasswordResetEmailFailedEvent, PasswordResetEmailSentEvent } from '@app/notifications';
import { auditEntryFor } from './audit-entry.mapper';

const ADMIN = { id: '11111111-1111-4111-8111-111111111111', username: 'admin' };
const USER_ID = '22222222-2222-4222-8222-222222222222';
const RESET_ID = '33333333-3333-4333-8333-333333333333';
const CONTEXT = { requestId: 'req-1', ip: '203.0.113.7', userAgent: 'jest' };

function raised<T>(create: () => T): T {
  return RequestContext.run(CONTEXT, create);
}

describe('auditEntryFor', () => {
  it('records a reset: who, whom, the reset as correlation, the method and the request it came from', () => {
    const event = raised(() => new PasswordResetEvent(RESET_ID, USER_ID, 'fatima.k', ADMIN, 'random', true, 'ticket 4711', []));
    expect(auditEntryFor(event)).toEqual({
      eventId: event.eventId,
      action: 'password_reset.performed',
      actor: ADMIN,
      target: { id: USER_ID, username: 'fatima.k' },
      correlationId: RESET_ID,
      details: { method: 'random', requirePasswordChange: true, reason: 'ticket 4711' },
      requestId: 'req-1',
      ip: '203.0.113.7',
      userAgent: 'jest',
    });
  });

  it('maps each audited event to its action and details', () => {
    const cases = [
      [new PasswordResetCompletedEvent(RESET_ID, USER_ID, 'u', ADMIN, true, false, new Date().toISOString(), ADMIN, 1), 'password_reset.completed', { sendEmail: true, logoutSessions: false }],
      [new UserSessionsRevokedEvent(USER_ID, 'u', 3, 'password_reset', RESET_ID, ADMIN, ['s1', 's2', 's3']), 'sessions.revoked', { count: 3, reason: 'password_reset' }],
      [new PasswordResetEmailSentEvent(RESET_ID, USER_ID, 'u', ADMIN, 'u@example.org', '<m@x>', 2), 'password_reset.email_sent', { address: 'u@example.org', attempts: 2 }],
      [new PasswordResetEmailFailedEvent(RESET_ID, USER_ID, 'u', ADMIN, 'u@example.org', 1, '550 Mailbox unavailable'), 'password_reset.email_failed', { address: 'u@example.org', attempts: 1, reason: '550 Mailbox unavailable' }],
      [new UserEmailChangedEvent(USER_ID, 'u', ADMIN, 'old@example.org', null), 'user.email_changed', { old: 'old@example.org', new: null }],
      [new UserCreatedEvent(USER_ID, 'u', null, 'parent', []), 'user.created', { type: 'parent', roles: [] }],
      [new UserPasswordChangedEvent(USER_ID, 'u', 'session-1'), 'user.password_changed', {}],
    ] as const;
    for (const [event, action, details] of cases) {
      const entry = auditEntryFor(event)!;
      expect({ action: entry.action, details: entry.details }).toEqual({ action, details });
      expect(entry.target).toEqual({ id: USER_ID, username: 'u' });
    }
  });

  it('records follow-ups under the reset, with the admin as actor', () => {
    const revoked = auditEntryFor(new UserSessionsRevokedEvent(USER_ID, 'u', 1, 'password_reset', RESET_ID, ADMIN, ['s']))!;
    expect(revoked).toMatchObject({ correlationId: RESET_ID, actor: ADMIN });
  });

  it('names the user as actor of their own password change, and nobody for the system', () => {
    expect(auditEntryFor(new UserPasswordChangedEvent(USER_ID, 'u', 's'))!.actor).toEqual({ id: USER_ID, username: 'u' });
    expect(auditEntryFor(new UserCreatedEvent(USER_ID, 'u', null, 'user', ['admin']))!.actor).toBeNull();
  });

  it('copies only the fields it names: whatever else an event carries never reaches the trail', () => {
    const event = new PasswordResetEvent(RESET_ID, USER_ID, 'fatima.k', ADMIN, 'iqama', true, null, []);
    Object.assign(event, { password: 'Secret-123', iqamaNumber: '1234567890', token: 'tok' });
    Object.assign(event.actor, { accessToken: 'jwt' });
    const stored = JSON.stringify(auditEntryFor(event));
    for (const secret of ['Secret-123', '1234567890', 'tok', 'jwt', 'sessionIds']) expect(stored).not.toContain(secret);
    const revoked = JSON.stringify(auditEntryFor(new UserSessionsRevokedEvent(USER_ID, 'u', 1, 'logout', null, null, ['session-secret-id'])));
    expect(revoked).not.toContain('session-secret-id');
  });

  it('stores what PostgreSQL can hold: no NUL, no lone surrogate, ids that are UUIDs', () => {
    const entry = auditEntryFor(new PasswordResetEvent('not-a-uuid', USER_ID, 'u', ADMIN, 'random', true, 'a\u0000b\uD800c', []))!;
    expect(entry.details.reason).toBe('a\uFFFDb\uFFFDc');
    expect(entry.correlationId).toBeNull();
  });

  it('ignores events it does not audit', () => {
    expect(auditEntryFor({ eventId: 'x', occurredAt: '', context: CONTEXT } as never)).toBeNull();
  });
});
