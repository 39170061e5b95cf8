import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '@app/core';
import { JobQueue } from '@app/core';

export const PASSWORD_RESET_EMAIL_QUEUE = 'password-reset-email';
/**
 * Jobs pg-boss gave up on (retries used up by crashes or database errors rather than SMTP tries) land here,
 * so their delivery still ends `failed` instead of staying `queued` for ever. Named on each job (`deadLetter`).
 */
export const PASSWORD_RESET_EMAIL_DEAD_LETTER_QUEUE = 'password-reset-email-dead';

export interface PasswordResetEmailJob {
  resetId: string;
}

/**
 * Retry timing. Back-off is exponential: pg-boss waits retryDelay × (2^(n-1) … 2^n) seconds before try n+1,
 * capped at retryDelayMax, so ten tries spread over about half an hour (5 s, 10 s, 20 s … 10 min), well
 * inside the hour a completed reset keeps its pending password. A job held by an instance that died is
 * expired after expireInSeconds and retried by a live instance's supervisor (every 15 s).
 */
export const PASSWORD_RESET_EMAIL_RETRY = {
  retryDelay: 5,
  retryBackoff: true,
  retryDelayMax: 600,
  expireInSeconds: 60,
} as const;

/** Room above MAIL_MAX_ATTEMPTS for retries that were not SMTP tries (a crash before the try, a database error). */
const EXTRA_RETRIES = 5;

@Injectable()
export class PasswordResetEmailQueue {
  private ready?: Promise<void>;

  constructor(
    private readonly jobs: JobQueue,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  /** Creates (or updates) both queues once per process; callers await it before sending or working. */
  ensure(): Promise<void> {
    this.ready ??= this.create().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private async create(): Promise<void> {
    const maxAttempts = this.config.get('mail', { infer: true }).maxAttempts;
    await this.jobs.createQueue(PASSWORD_RESET_EMAIL_DEAD_LETTER_QUEUE, {
      ...PASSWORD_RESET_EMAIL_RETRY,
      retryLimit: 10,
    });
    await this.jobs.createQueue(PASSWORD_RESET_EMAIL_QUEUE, {
      ...PASSWORD_RESET_EMAIL_RETRY,
      retryLimit: maxAttempts - 1 + EXTRA_RETRIES,
    });
  }
}
