import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler, QueryBus } from '@nestjs/cqrs';
import { Clock, firstDelivery, JobQueue, RequestContext, UnitOfWork } from '@app/core';
import { GetPasswordResetEmailQuery } from '@app/users';
import { EmailDeliveries } from '../domain/email-delivery.repository';
import {
  PASSWORD_RESET_EMAIL_DEAD_LETTER_QUEUE,
  PASSWORD_RESET_EMAIL_QUEUE,
  PasswordResetEmailJob,
  PasswordResetEmailQueue,
} from '../domain/password-reset-email.queue';
import { SendPasswordResetEmailCommand } from './send-password-reset-email.command';

export const SEND_RESET_EMAIL_CONSUMER = 'notifications.send-reset-email';

/**
 * Records that the email is wanted and enqueues its delivery job in the same transaction: either both
 * exist or neither does (and the outbox delivers the event again). The job carries the reset id only;
 * the password is read, decrypted, by the worker at send time and never stored here.
 */
@CommandHandler(SendPasswordResetEmailCommand)
export class SendPasswordResetEmailHandler implements ICommandHandler<SendPasswordResetEmailCommand> {
  private readonly logger = new Logger(SendPasswordResetEmailHandler.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly queryBus: QueryBus,
    private readonly jobs: JobQueue,
    private readonly queue: PasswordResetEmailQueue,
    private readonly clock: Clock,
  ) {}

  async execute(command: SendPasswordResetEmailCommand): Promise<void> {
    await this.queue.ensure();
    const queued = await this.uow.run(async ({ em }) => {
      if (!(await firstDelivery(em, SEND_RESET_EMAIL_CONSUMER, command.causationEventId))) return false;
      const content = await this.queryBus.execute(new GetPasswordResetEmailQuery(command.resetId));
      const context = RequestContext.current();
      const inserted = await EmailDeliveries.insertQueued(
        em,
        {
          resetId: command.resetId,
          userId: command.userId,
          targetUsername: content.username,
          actorId: content.performedBy?.id ?? null,
          actorUsername: content.performedBy?.username ?? '',
          address: content.to,
          origin: context ? { requestId: context.requestId, ip: context.ip, userAgent: context.userAgent } : null,
        },
        this.clock.now(),
      );
      if (!inserted) return false;
      const job: PasswordResetEmailJob = { resetId: command.resetId };
      await this.jobs.send(
        PASSWORD_RESET_EMAIL_QUEUE,
        job,
        { singletonKey: command.resetId, deadLetter: PASSWORD_RESET_EMAIL_DEAD_LETTER_QUEUE },
        em,
      );
      return true;
    });
    if (queued) this.logger.log(`Reset email for ${command.resetId} queued`);
  }
}
