import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/postgresql';
import { Clock } from '@app/core';
import { PasswordReset } from '../domain/password-reset.entity';
import { PendingPassword } from '../domain/pending-password';
import { User } from '../domain/user.entity';
import { GetPasswordResetEmailQuery, PasswordResetEmailContent } from '../queries/password-reset-email.query';

/** Answers the notifications module: what the reset email says, and whether it may still be sent. */
@QueryHandler(GetPasswordResetEmailQuery)
export class GetPasswordResetEmailHandler implements IQueryHandler<GetPasswordResetEmailQuery> {
  constructor(
    private readonly em: EntityManager,
    private readonly pending: PendingPassword,
    private readonly clock: Clock,
  ) {}

  async execute({ resetId }: GetPasswordResetEmailQuery): Promise<PasswordResetEmailContent> {
    // Asked from inside the caller's transaction (queueing the email), it reads on that transaction's
    // connection: taking a second one while holding the first deadlocks once the pool runs dry.
    const em = this.em.fork({ keepTransactionContext: true });
    const reset = await em.findOne(PasswordReset, { id: resetId });
    const user = reset ? await em.findOne(User, { id: reset.userId }) : null;
    if (!reset || !user) return notFound(resetId);
    const password = reset.method === 'random' ? this.pending.read(reset) : null;
    return {
      state: this.stateOf(reset, password, user),
      resetId,
      userId: user.id,
      to: reset.emailAddress,
      username: user.username,
      displayName: user.displayName,
      email: user.email,
      locale: user.locale,
      method: reset.method,
      password,
      requirePasswordChange: reset.requirePasswordChange,
      performedBy: { id: reset.performedById, username: reset.performedByUsername },
    };
  }

  private stateOf(reset: PasswordReset, password: string | null, user: User): PasswordResetEmailContent['state'] {
    if (reset.status === 'superseded') return 'superseded';
    // A newer reset, or the user's own change, means this reset's password is no longer the user's.
    if (user.passwordExpiresAt?.getTime() !== reset.passwordExpiresAt.getTime()) return 'superseded';
    if (reset.passwordExpiresAt.getTime() <= this.clock.now().getTime()) return 'expired';
    if (reset.method === 'random' && password === null) return 'expired';
    return 'current';
  }
}

function notFound(resetId: string): PasswordResetEmailContent {
  return {
    state: 'not_found', resetId, userId: '', to: null, username: '', displayName: '', email: null, locale: 'en',
    method: 'random', password: null, requirePasswordChange: false, performedBy: { id: '', username: '' },
  };
}
