import { CommandHandler, ICommandHandler, QueryBus } from '@nestjs/cqrs';
import { LockMode } from '@mikro-orm/postgresql';
import { Clock, NotFoundError, UnitOfWork } from '@app/core';
import { PasswordReset } from '../domain/password-reset.entity';
import { PasswordResetView } from '../domain/password-reset.view';
import { PasswordResetCompletedEvent } from '../domain/users.events';
import { PendingPassword } from '../domain/pending-password';
import { isDeliverableEmail } from '../domain/email-rule';
import { findUserOr404 } from '../domain/user-lookup';
import { UserErrors } from '../domain/users.errors';
import { GetPasswordResetQuery } from '../password-resets/password-resets.queries';
import { CompletePasswordResetCommand } from './complete-password-reset.command';

@CommandHandler(CompletePasswordResetCommand)
export class CompletePasswordResetHandler implements ICommandHandler<CompletePasswordResetCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly pending: PendingPassword,
    private readonly queries: QueryBus,
  ) {}

  async execute({ actor, userId, resetId, sendEmail, logoutSessions }: CompletePasswordResetCommand): Promise<PasswordResetView> {
    // awaitDelivery: the sessions saga revokes before we answer, so "Logout Existing Sessions" holds the moment the popup says so.
    await this.uow.run(
      async ({ em, raise }) => {
        const reset = await em.findOne(PasswordReset, { id: resetId, userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!reset) throw new NotFoundError('The password reset');
        if (reset.status === 'completed') throw UserErrors.resetAlreadyCompleted();
        if (reset.status === 'superseded') throw UserErrors.resetSuperseded();
        const now = this.clock.now();
        if (now.getTime() > reset.completeBy.getTime()) throw UserErrors.resetExpired();
        const user = await findUserOr404(em, userId);
        if (sendEmail && !user.email) throw UserErrors.emailMissing();
        if (sendEmail && !isDeliverableEmail(user.email)) throw UserErrors.emailInvalid();

        reset.status = 'completed';
        reset.completedAt = now;
        reset.sendEmail = sendEmail;
        reset.logoutSessions = logoutSessions;
        reset.emailAddress = sendEmail ? user.email : null;
        if (!sendEmail) this.pending.discard(reset);
        raise(
          new PasswordResetCompletedEvent(
            reset.id,
            user.id,
            user.username,
            { id: actor.id, username: actor.username },
            sendEmail,
            logoutSessions,
            reset.createdAt.toISOString(),
            { id: reset.performedById, username: reset.performedByUsername },
            reset.credentialsVersion,
          ),
        );
      },
      { awaitDelivery: true },
    );
    return this.queries.execute(new GetPasswordResetQuery(userId, resetId));
  }
}
