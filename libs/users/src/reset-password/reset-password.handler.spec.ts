import type { ConfigService } from '@nestjs/config';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Actor, AppConfig, Clock, DomainError, DomainEvent, RateLimiter, Transaction, UnitOfWork } from '@app/core';
import { PasswordReset } from '../domain/password-reset.entity';
import { PasswordHasher } from '../domain/password-hasher';
import { PendingPassword } from '../domain/pending-password';
import { IqamaVault } from '../domain/iqama-vault';
import { User } from '../domain/user.entity';
import { PasswordResetEvent } from '../domain/users.events';
import { ResetPasswordCommand } from './reset-password.command';
import { ResetPasswordHandler } from './reset-password.handler';

const T0 = new Date('2026-12-03T10:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const admin: Actor = { id: 'a-1', username: 'admin', roles: ['admin'], sessionId: 's-1', mustChangePassword: false };
const settings = { requirePasswordChange: true, passwordTtlSeconds: 72 * 3600, completeWindowSeconds: 3600, passwordLength: 16, maxPerAdminPerMinute: 30 };

class FixedClock extends Clock {
  override now(): Date {
    return at(0);
  }
}

function olderReset(fields: Partial<PasswordReset>): PasswordReset {
  return Object.assign(new PasswordReset(), {
    userId: 'u-1', performedById: 'a-1', performedByUsername: 'admin', method: 'random', requirePasswordChange: true,
    createdAt: at(-600), completeBy: at(3000), passwordExpiresAt: at(-600 + 72 * 3600), pendingPasswordEncrypted: Buffer.from('sealed'),
    ...fields,
  });
}

function setup(fields: { user?: Partial<User>; older?: PasswordReset[]; iqama?: string | null } = {}) {
  const user = Object.assign(new User(), { id: 'u-1', username: 'fatima.k', email: 'fatima@example.org', type: 'customer', ...fields.user });
  const older = fields.older ?? [];
  const persisted: PasswordReset[] = [];
  const raised: DomainEvent[] = [];
  const finds: { where: unknown; options: unknown }[] = [];
  const em = {
    findOne: async (entity: unknown, where: { id?: string }) => (entity === User && where.id === user.id ? user : null),
    find: async (_entity: unknown, where: unknown, options: unknown) => {
      finds.push({ where, options });
      return older;
    },
    persist: (entity: PasswordReset) => persisted.push(entity),
  };
  const orm = { em: { fork: () => em } } as unknown as MikroORM;
  const uow = {
    run: async <T>(work: (tx: Transaction) => Promise<T>) => work({ em, raise: (event: DomainEvent) => raised.push(event) } as unknown as Transaction),
  } as unknown as UnitOfWork;
  const limiter = {
    state: jest.fn(async () => ({ limited: false, retryAfterSeconds: 0 })),
    consume: jest.fn(async () => ({ limited: false, retryAfterSeconds: 0 })),
  } as unknown as RateLimiter;
  const hasher = { hash: jest.fn(async (password: string) => `hash(${password})`) } as unknown as PasswordHasher;
  const pending = {
    keep: jest.fn((r: PasswordReset) => (r.pendingPasswordEncrypted = Buffer.from('new-sealed'))),
    discard: jest.fn((r: PasswordReset) => (r.pendingPasswordEncrypted = null)),
    read: jest.fn(() => null),
  } as unknown as PendingPassword;
  const iqama = { reveal: jest.fn(() => fields.iqama ?? null) } as unknown as IqamaVault;
  const config = { get: () => settings } as unknown as ConfigService<AppConfig, true>;
  const handler = new ResetPasswordHandler(orm, uow, new FixedClock(), limiter, hasher, pending, iqama, config);
  return { handler, user, persisted, raised, finds, limiter, hasher };
}

function command(actor = admin, body = {}) {
  return new ResetPasswordCommand(actor, 'u-1', body, null);
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(DomainError);
  return (error as DomainError).code;
}

describe('resetting a password (ResetPasswordHandler)', () => {
  it('sets a fresh random password, temporary and with a forced change, and returns it once', async () => {
    const { handler, user, persisted, raised, hasher } = setup();

    const view = await handler.execute(command(admin, { reason: '  ticket 4711  ' }));

    expect(view.password).toHaveLength(16);
    expect(hasher.hash).toHaveBeenCalledWith(view.password);
    expect(user).toMatchObject({ passwordHash: `hash(${view.password})`, passwordExpiresAt: at(72 * 3600), mustChangePassword: true });
    expect(persisted).toHaveLength(1);
    expect(persisted[0]).toMatchObject({ method: 'random', reason: 'ticket 4711', createdAt: at(0), completeBy: at(3600), status: 'pending' });
    expect(raised).toHaveLength(1);
    expect(raised[0]).toBeInstanceOf(PasswordResetEvent);
    expect(JSON.stringify(raised[0])).not.toContain(view.password!);
  });

  it('refuses an admin\'s own account before any work', async () => {
    const { handler, hasher, limiter } = setup({ user: { id: 'a-1' } });
    expect(await refusal(handler.execute(new ResetPasswordCommand(admin, 'a-1', {}, null)))).toBe('SELF_RESET_FORBIDDEN');
    expect(hasher.hash).not.toHaveBeenCalled();
    expect(limiter.consume).not.toHaveBeenCalled();
  });

  it('refuses a parent without an IQAMA number before any work, and uses the number for one who has it', async () => {
    const missing = setup({ user: { type: 'parent' } });
    expect(await refusal(missing.handler.execute(command()))).toBe('IQAMA_MISSING');
    expect(missing.hasher.hash).not.toHaveBeenCalled();

    const parent = setup({ user: { type: 'parent', iqamaHash: 'h' }, iqama: '1234567897' });
    const view = await parent.handler.execute(command());
    expect(view).toMatchObject({ method: 'iqama', password: null });
    expect(parent.hasher.hash).toHaveBeenCalledWith('1234567897');
  });

  it('supersedes an older pending reset, and drops the password copies of every older one without rewriting their status', async () => {
    const pending = olderReset({ id: 'r-pending', status: 'pending' });
    const expired = olderReset({ id: 'r-expired', status: 'pending', completeBy: at(-1) });
    const completedAwaitingEmail = olderReset({ id: 'r-completed', status: 'completed', sendEmail: true });
    const { handler, raised, finds } = setup({ older: [pending, expired, completedAwaitingEmail] });

    await handler.execute(command());

    expect([pending.status, expired.status, completedAwaitingEmail.status]).toEqual(['superseded', 'pending', 'completed']);
    expect([pending, expired, completedAwaitingEmail].map((r) => r.pendingPasswordEncrypted)).toEqual([null, null, null]);
    expect((raised[0] as PasswordResetEvent).supersededResetIds).toEqual(['r-pending']);
    // Locked: a completion committing meanwhile must be seen, not overwritten.
    expect(finds[0].options).toMatchObject({ lockMode: expect.anything() });
  });

  it('answers 429 with Retry-After when the admin is over the limit, before hashing', async () => {
    const { handler, hasher, limiter } = setup();
    (limiter.state as jest.Mock).mockResolvedValueOnce({ limited: true, retryAfterSeconds: 17 });

    const error = await handler.execute(command()).catch((e: DomainError) => e);

    expect(error).toMatchObject({ code: 'TOO_MANY_REQUESTS', extras: { retryAfterSeconds: 17 } });
    expect(hasher.hash).not.toHaveBeenCalled();
  });
});
