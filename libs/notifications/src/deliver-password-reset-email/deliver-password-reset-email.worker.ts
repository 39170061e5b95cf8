import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { MikroORM } from '@mikro-orm/postgresql';
import { MailerService } from '@nestjs-modules/mailer';
import { AppConfig, Clock, JobQueue, RequestContext, RequestContextData, UnitOfWork } from '@app/core';
import { DiscardPendingPasswordCommand, GetPasswordResetEmailQuery, PasswordResetEmailContent } from '@app/users';
import { EmailDeliveries, EmailDeliveryRow } from '../domain/email-delivery.repository';
import { PasswordResetEmailFailedEvent, PasswordResetEmailSentEvent } from '../domain/notifications.events';
import {
  PASSWORD_RESET_EMAIL_DEAD_LETTER_QUEUE,
  PASSWORD_RESET_EMAIL_QUEUE,
  PasswordResetEmailJob,
  PasswordResetEmailQueue,
} from '../domain/password-reset-email.queue';
import { composePasswordResetEmail } from '../email/password-reset-email.composer';
import { MAIL_CONCURRENCY } from '../email/mailer.options';
import { classifySmtpFailure } from '../email/smtp-failure';

/** Thrown on purpose so that pg-boss retries the job with back-off; the only error a job lets escape. */
export class RetryLaterError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'RetryLaterError';
  }
}

const NOT_CURRENT: Record<Exclude<PasswordResetEmailContent['state'], 'current'>, string> = {
  superseded: 'The reset was superseded by a newer reset',
  expired: 'The reset expired before the email was sent',
  not_found: 'The reset no longer exists',
};

/**
 * Sends a reset's email (pg-boss job, one reset id per job). Each SMTP try is counted and committed before
 * it is made; a permanent refusal (5xx) or the last allowed try ends the delivery `failed`, a temporary
 * one puts it back to `queued` and rethrows so that pg-boss retries with exponential back-off. A reset
 * that is no longer current is never emailed: its password is no longer the user's.
 */
@Injectable()
export class DeliverPasswordResetEmailWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DeliverPasswordResetEmailWorker.name);
  private readonly publicUrl: string;
  private readonly maxAttempts: number;

  constructor(
    private readonly orm: MikroORM,
    private readonly uow: UnitOfWork,
    private readonly queryBus: QueryBus,
    private readonly commandBus: CommandBus,
    private readonly jobs: JobQueue,
    private readonly queue: PasswordResetEmailQueue,
    private readonly mailer: MailerService,
    private readonly clock: Clock,
    config: ConfigService<AppConfig, true>,
  ) {
    this.publicUrl = config.get('publicUrl', { infer: true });
    this.maxAttempts = config.get('mail', { infer: true }).maxAttempts;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.ensure();
    await this.jobs.work<PasswordResetEmailJob>(PASSWORD_RESET_EMAIL_QUEUE, { pollingIntervalSeconds: 1, localConcurrency: MAIL_CONCURRENCY }, (job) =>
      this.guarded(job.data.resetId, () => this.deliver(job.data.resetId)),
    );
    await this.jobs.work<PasswordResetEmailJob>(PASSWORD_RESET_EMAIL_DEAD_LETTER_QUEUE, { pollingIntervalSeconds: 10 }, (job) =>
      this.guarded(job.data.resetId, () => this.abandon(job.data.resetId)),
    );
  }

  /** Stops taking jobs and lets the ones in hand finish while the database is still open. */
  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([
      this.jobs.boss.offWork(PASSWORD_RESET_EMAIL_QUEUE, { wait: true }),
      this.jobs.boss.offWork(PASSWORD_RESET_EMAIL_DEAD_LETTER_QUEUE, { wait: true }),
    ]);
  }

  /** Sends the email once, or records why not. Exposed for tests; the job calls it through `guarded`. */
  async deliver(resetId: string): Promise<void> {
    const row = await EmailDeliveries.find(this.orm.em.fork(), resetId);
    if (!row) {
      this.logger.warn(`Reset email job for ${resetId} has no delivery record; nothing to send`);
      return;
    }
    await RequestContext.run(originOf(row), async () => {
      if (row.status === 'sent' || row.status === 'failed') {
        // A re-run after the outcome was recorded: only the discard may be missing.
        await this.discardPendingPassword(resetId);
        return;
      }
      const content = await this.queryBus.execute(new GetPasswordResetEmailQuery(resetId));
      await withSecretScrubbed(content.password, () => this.send(row, content));
    });
  }

  /** One SMTP try for a delivery that is still open, or the reason there must be none. */
  private async send(row: EmailDeliveryRow, content: PasswordResetEmailContent): Promise<void> {
    const resetId = row.resetId;
    const refusal = refusalOf(row, content);
    if (refusal) {
      await this.fail(row, refusal, row.attempts);
      return;
    }
    const email = composePasswordResetEmail(content, row.address!, this.publicUrl);
    const attempts = await this.uow.run(({ em }) => EmailDeliveries.startAttempt(em, resetId, this.clock.now()));
    if (attempts === null) return;
    try {
      await this.mailer.sendMail({
        to: email.to,
        subject: email.subject,
        template: email.template,
        context: email.context,
        text: email.text,
        messageId: email.messageId,
      });
    } catch (error) {
      await this.failedTry(row, attempts, error);
      return;
    }
    await this.uow.run(async ({ em, raise }) => {
      if (!(await EmailDeliveries.markSent(em, resetId, email.messageId, this.clock.now()))) return;
      raise(
        new PasswordResetEmailSentEvent(resetId, row.userId, row.targetUsername, actorOf(row), email.to, email.messageId, attempts),
      );
    });
    this.logger.log(`Reset email for ${resetId} sent (try ${attempts})`);
    await this.discardPendingPassword(resetId);
  }

  /** pg-boss gave up on the job (its retries went to crashes or database errors): the delivery ends failed. */
  async abandon(resetId: string): Promise<void> {
    const row = await EmailDeliveries.find(this.orm.em.fork(), resetId);
    if (!row) return;
    await RequestContext.run(originOf(row), async () => {
      if (row.status === 'queued' || row.status === 'sending') {
        await this.fail(row, row.lastError ?? 'Delivery abandoned after repeated errors', row.attempts);
      } else {
        await this.discardPendingPassword(resetId);
      }
    });
  }

  private async failedTry(row: EmailDeliveryRow, attempts: number, error: unknown): Promise<void> {
    const failure = classifySmtpFailure(error);
    if (failure.permanent || attempts >= this.maxAttempts) {
      await this.fail(row, failure.reason, attempts);
      return;
    }
    await this.uow.run(({ em }) => EmailDeliveries.markRetrying(em, row.resetId, failure.reason, this.clock.now()));
    this.logger.warn(`Reset email for ${row.resetId}: try ${attempts} of ${this.maxAttempts} failed (${failure.reason}); retrying later`);
    throw new RetryLaterError(failure.reason);
  }

  private async fail(row: EmailDeliveryRow, reason: string, attempts: number): Promise<void> {
    const recorded = await this.uow.run(async ({ em, raise }) => {
      if (!(await EmailDeliveries.markFailed(em, row.resetId, reason, this.clock.now()))) return false;
      raise(new PasswordResetEmailFailedEvent(row.resetId, row.userId, row.targetUsername, actorOf(row), row.address, attempts, reason));
      return true;
    });
    if (recorded) this.logger.warn(`Reset email for ${row.resetId} failed after ${attempts} tries: ${reason}`);
    await this.discardPendingPassword(row.resetId);
  }

  private async discardPendingPassword(resetId: string): Promise<void> {
    await this.commandBus.execute(new DiscardPendingPasswordCommand(resetId));
  }

  /**
   * Everything but the deliberate retry is logged here and turned into one, without its stack or message
   * text in the job's record: the job is retried (the outcome so far is in email_delivery), and a job that
   * keeps failing ends in the dead-letter queue, which records the delivery as failed.
   */
  private async guarded(resetId: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (error instanceof RetryLaterError) throw error;
      this.logger.error(`Reset email job for ${resetId} hit an unexpected error (${describe(error)}); it will be retried`);
      throw new RetryLaterError('Unexpected error');
    }
  }
}

function refusalOf(row: EmailDeliveryRow, content: PasswordResetEmailContent): string | null {
  if (content.state !== 'current') return NOT_CURRENT[content.state] ?? 'The reset is no longer current';
  if (!row.address) return 'No email address on record';
  if (content.method !== 'iqama' && !content.password) return 'The new password is no longer available';
  return null;
}

function actorOf(row: EmailDeliveryRow): { id: string; username: string } {
  return { id: row.actorId ?? '', username: row.actorUsername };
}

function originOf(row: EmailDeliveryRow): RequestContextData {
  return {
    requestId: row.origin?.requestId ?? row.resetId,
    ip: row.origin?.ip ?? null,
    userAgent: row.origin?.userAgent ?? null,
  };
}

/** Whatever goes wrong once the password is in hand, its error cannot carry the password into a log line. */
async function withSecretScrubbed(secret: string | null, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (secret && error instanceof Error && error.message.includes(secret)) {
      error.message = error.message.split(secret).join('[redacted]');
      if (error.stack) error.stack = error.stack.split(secret).join('[redacted]');
    }
    throw error;
  }
}

/** Error name and first line only: never a stack, and short enough for one log line. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return 'non-error thrown';
  const firstLine = error.message.split('\n')[0]?.slice(0, 200) ?? '';
  return `${error.name}: ${firstLine}`;
}
