import type { ConfigService } from '@nestjs/config';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppConfig, Clock, SecretBox } from '@app/core';
import { PasswordReset } from '../domain/password-reset.entity';
import { PendingPassword } from '../domain/pending-password';
import { User } from '../domain/user.entity';
import { GetPasswordResetEmailQuery } from '../queries/password-reset-email.query';
import { GetPasswordResetEmailHandler } from './password-reset-email.handler';

const T0 = new Date('2026-12-03T10:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const box = new SecretBox({ get: () => 'unit-test-secret-that-is-long-enough-0123' } as unknown as ConfigService<AppConfig, true>);
const pending = new PendingPassword(box);

class FixedClock extends Clock {
  constructor(public current: Date) {
    super();
  }
  override now(): Date {
    return this.current;
  }
}

function setup(fields: { reset?: Partial<PasswordReset>; user?: Partial<User>; now?: Date; password?: string | null } = {}) {
  const reset = Object.assign(new PasswordReset(), {
    id: 'r-1',
    userId: 'u-1',
    performedById: 'a-1',
    performedByUsername: 'admin',
    method: 'random',
    requirePasswordChange: true,
    status: 'completed',
    createdAt: T0,
    completeBy: at(3600),
    passwordExpiresAt: at(72 * 3600),
    sendEmail: true,
    emailAddress: 'fatima@example.org',
    ...fields.reset,
  });
  if (fields.password !== null) pending.keep(reset, fields.password ?? 'Tq7#mZ-pw-secret');
  const user = Object.assign(new User(), {
    id: 'u-1',
    username: 'fatima.k',
    displayName: 'Fatima K.',
    email: 'fatima@example.org',
    locale: 'ar',
    type: 'customer',
    passwordExpiresAt: at(72 * 3600),
    ...fields.user,
  });
  const forks: unknown[] = [];
  const em = {
    fork: (options: unknown) => {
      forks.push(options);
      return {
        findOne: async (entity: unknown, where: { id: string }) =>
          entity === PasswordReset ? (where.id === reset.id ? reset : null) : entity === User && where.id === user.id ? user : null,
      };
    },
  } as unknown as EntityManager;
  const handler = new GetPasswordResetEmailHandler(em, pending, new FixedClock(fields.now ?? at(120)));
  return { handler, forks, reset };
}

describe('what the reset email may say (GetPasswordResetEmailQuery)', () => {
  it('gives the current reset with its decrypted password, the address fixed at completion and the user\'s locale', async () => {
    const { handler } = setup();

    const content = await handler.execute(new GetPasswordResetEmailQuery('r-1'));

    expect(content).toEqual({
      state: 'current',
      resetId: 'r-1',
      userId: 'u-1',
      to: 'fatima@example.org',
      username: 'fatima.k',
      displayName: 'Fatima K.',
      email: 'fatima@example.org',
      locale: 'ar',
      method: 'random',
      password: 'Tq7#mZ-pw-secret',
      requirePasswordChange: true,
      performedBy: { id: 'a-1', username: 'admin' },
    });
  });

  it('reads on the caller\'s transaction when asked inside one, instead of taking a second connection', async () => {
    const { handler, forks } = setup();
    await handler.execute(new GetPasswordResetEmailQuery('r-1'));
    expect(forks).toEqual([{ keepTransactionContext: true }]);
  });

  it('calls a reset superseded once it is marked so, or once the user\'s password is another one', async () => {
    expect((await setup({ reset: { status: 'superseded' } }).handler.execute(new GetPasswordResetEmailQuery('r-1'))).state).toBe('superseded');
    expect((await setup({ user: { passwordExpiresAt: at(99_999) } }).handler.execute(new GetPasswordResetEmailQuery('r-1'))).state).toBe('superseded');
    // The user chose their own password: the temporary one is gone.
    expect((await setup({ user: { passwordExpiresAt: null } }).handler.execute(new GetPasswordResetEmailQuery('r-1'))).state).toBe('superseded');
  });

  it('calls a reset expired once its password expired or its copy was purged', async () => {
    expect((await setup({ now: at(72 * 3600) }).handler.execute(new GetPasswordResetEmailQuery('r-1'))).state).toBe('expired');
    const purged = await setup({ password: null }).handler.execute(new GetPasswordResetEmailQuery('r-1'));
    expect(purged).toMatchObject({ state: 'expired', password: null });
  });

  it('keeps an IQAMA reset current without any copy, and answers not_found for an unknown reset', async () => {
    const iqama = await setup({ reset: { method: 'iqama' }, password: null }).handler.execute(new GetPasswordResetEmailQuery('r-1'));
    expect(iqama).toMatchObject({ state: 'current', method: 'iqama', password: null });
    expect((await setup().handler.execute(new GetPasswordResetEmailQuery('r-404'))).state).toBe('not_found');
  });
});

describe('the encrypted pending copy (PendingPassword)', () => {
  it('keeps the password sealed, reads it back, and forgets it on discard', () => {
    const { reset } = setup({ password: 'Zx9!pending-copy' });

    expect(reset.pendingPasswordEncrypted!.toString('latin1')).not.toContain('Zx9!pending-copy');
    expect(pending.read(reset)).toBe('Zx9!pending-copy');
    pending.discard(reset);
    expect(reset.pendingPasswordEncrypted).toBeNull();
    expect(pending.read(reset)).toBeNull();
  });

  it('cannot be opened as another kind of secret (keys are per purpose)', () => {
    const { reset } = setup({ password: 'Zx9!pending-copy' });
    expect(() => box.decrypt('iqama', reset.pendingPasswordEncrypted!)).toThrow();
  });
});
