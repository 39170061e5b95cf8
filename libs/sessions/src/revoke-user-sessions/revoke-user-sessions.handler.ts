import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Clock, firstDelivery, UnitOfWork } from '@app/core';
import { UserSessionsRevokedEvent } from '../domain/sessions.events';
import { RevokeUserSessionsCommand, RevokeUserSessionsResult } from './revoke-user-sessions.command';

const CONSUMER = 'sessions.revoke-user-sessions';

@CommandHandler(RevokeUserSessionsCommand)
export class RevokeUserSessionsHandler implements ICommandHandler<RevokeUserSessionsCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async execute(command: RevokeUserSessionsCommand): Promise<RevokeUserSessionsResult> {
    return this.uow.run(async ({ em, raise }) => {
      // Once per causing event: a re-delivered event finds its receipt and does nothing.
      if (!(await firstDelivery(em, CONSUMER, command.causationEventId))) return { revoked: 0 };
      const rows = await em.execute<{ id: string }[]>(
        `update session set revoked_at = ?, revoked_reason = ?, revoked_correlation_id = ?
          where user_id = ? and revoked_at is null
            and (?::int is null or credentials_version < ?::int)
            and (?::uuid is null or id <> ?::uuid)
          returning id`,
        [
          this.clock.now(),
          command.reason,
          command.correlationId,
          command.userId,
          command.credentialsVersionBelow,
          command.credentialsVersionBelow,
          command.keepSessionId,
          command.keepSessionId,
        ],
      );
      const sessionIds = rows.map((row) => row.id);
      raise(new UserSessionsRevokedEvent(command.userId, command.targetUsername, sessionIds.length, command.reason, command.correlationId, command.actor, sessionIds));
      return { revoked: sessionIds.length };
    });
  }
}
