import type { QueryBus } from '@nestjs/cqrs';
import { Actor, Clock, DomainError, DomainEvent, RunOptions, Transaction, UnitOfWork } from '@app/core';
import { PasswordReset } from '../domain/password-reset.entity';
import { PendingPassword } from '../domain/pending-password';
import { User } from '../domain/user.entity';
import { PasswordResetCompletedEvent } from '../domain/users.events';
import { GetPasswordResetQuery } from '../password-resets/password-resets.queries';
import { CompletePasswordResetCommand } from './complete-password-reset.command';
import { CompletePasswordResetHandler } from './complete-password-reset.handler';

const T0 = new Date('2026-12-03T10:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const second: Actor = { id: 'a-2', username: 'second.admin', roles: ['admin'], sessionId: 's-1', mustChangePassword: false };

class FixedClock extends Clock {
  constructor(private readonly current: Date) {
    super();
  }
  override now(): Date {
    return this.current;
  }
}

function setup(fields: { reset?: Partial<PasswordReset>; email?: string | null; now?: Date } = {}) {
  const reset = Object.assign(new PasswordReset(), {
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
    ...fields.reset,
  });
  const before = { ...reset };
  const user = Object.assign(new User(), { id: 'u-1', username: 'fatima.k', email: fields.email === undefined ? 'fatima@example.org' : fields.email });
  const raised: DomainEvent[] = [];
  const runs: RunOptions[] = [];
  const em = {
    findOne: async (entity: unknown, where: { id: string; userId?: string }) => {
      if (entity === PasswordReset) return where.id === reset.id && where.userId === reset.userId ? reset : null;
      return where.id === user.id ? user : null;
    },
  };
  const uow = {
    run: async <T>(work: (tx: Transaction) => Promise<T>, options: RunOptions = {}) => {
      runs.push(options);
      return work({ em, raise: (event: DomainEvent) => raised.push(event) } as unknown as Transaction);
    },
  } as unknown as UnitOfWork;
  const queries = { execute: jest.fn(async (query: unknown) => ({ answered: query })) } as unknown as QueryBus;
  const pending = { discard: jest.fn((r: PasswordReset) => (r.pendingPasswordEncrypted = null)) } as unknown as PendingPassword;
  const handler = new CompletePasswordResetHandler(uow, new FixedClock(fields.now ?? at(600)), pending, queries);
  return { handler, reset, before, raised, runs, queries };
}

function command(sendEmail: boolean, logoutSessions: boolean, resetId = 'r-1') {
  return new CompletePasswordResetCommand(second, 'u-1', resetId, sendEmail, logoutSessions);
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(DomainError);
  return (error as DomainError).code;
}

describe('completing a reset (CompletePasswordResetHandler)', () => {
  it('applies the toggles, fixes the address, and raises the completion for the sagas, waiting for them', async () => {
    const { handler, reset, raised, runs, queries } = setup();

    const answer = await handler.execute(command(true, true));

    expect(reset).toMatchObject({ status: 'completed', completedAt: at(600), sendEmail: true, logoutSessions: true, emailAddress: 'fatima@example.org' });
    expect(reset.pendingPasswordEncrypted).not.toBeNull();
    expect(runs).toEqual([{ awaitDelivery: true }]);
    expect(raised).toHaveLength(1);
    expect(raised[0]).toBeInstanceOf(PasswordResetCompletedEvent);
    expect(raised[0]).toMatchObject({
      resetId: 'r-1',
      userId: 'u-1',
      targetUsername: 'fatima.k',
      actor: { id: 'a-2', username: 'second.admin' },
      performedBy: { id: 'a-1', username: 'admin' },
      sendEmail: true,
      logoutSessions: true,
      resetAt: T0.toISOString(),
    });
    expect(queries.execute).toHaveBeenCalledWith(new GetPasswordResetQuery('u-1', 'r-1'));
    expect(answer).toEqual({ answered: new GetPasswordResetQuery('u-1', 'r-1') });
  });

  it('drops the password copy at once when no email is wanted', async () => {
    const { handler, reset } = setup();
    await handler.execute(command(false, false));
    expect(reset).toMatchObject({ status: 'completed', sendEmail: false, logoutSessions: false, emailAddress: null, pendingPasswordEncrypted: null });
  });

  it.each([
    ['RESET_ALREADY_COMPLETED', { reset: { status: 'completed' as const } }],
    ['RESET_SUPERSEDED', { reset: { status: 'superseded' as const } }],
    ['RESET_EXPIRED', { now: at(3601) }],
    ['RESET_EXPIRED', { now: at(3601), email: null }],
    ['EMAIL_MISSING', { email: null }],
    ['EMAIL_INVALID', { email: 'fatima at example' }],
  ])('refuses with %s and changes nothing', async (code, fields) => {
    const { handler, reset, before, raised } = setup(fields);

    expect(await refusal(handler.execute(command(true, true)))).toBe(code);

    expect({ ...reset }).toEqual(before);
    expect(raised).toEqual([]);
  });

  it('completes without email for a user whose address is missing or invalid', async () => {
    for (const email of [null, 'fatima at example']) {
      const { handler, reset } = setup({ email });
      await handler.execute(command(false, true));
      expect(reset.status).toBe('completed');
    }
  });

  it('answers 404 for a reset of another user or an unknown one', async () => {
    const { handler } = setup();
    expect(await refusal(handler.execute(new CompletePasswordResetCommand(second, 'u-2', 'r-1', false, false)))).toBe('NOT_FOUND');
    expect(await refusal(handler.execute(command(false, false, 'r-404')))).toBe('NOT_FOUND');
  });
});
