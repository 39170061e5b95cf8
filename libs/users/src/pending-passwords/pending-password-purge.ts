import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { Clock, JobQueue } from '@app/core';

const QUEUE = 'purge-pending-passwords';
/** A completed reset's email gets this long to settle before its password copy is dropped regardless. */
const EMAIL_GRACE_HOURS = 24;

/**
 * Drops every encrypted password copy that no email or replay can need any more: superseded resets,
 * pending ones past their completion window, completed ones without email, and emails that never settled.
 * Runs every minute on one instance (a pg-boss schedule).
 */
@Injectable()
export class PendingPasswordPurge implements OnApplicationBootstrap {
  private readonly logger = new Logger(PendingPasswordPurge.name);

  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly jobs: JobQueue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.createQueue(QUEUE, { policy: 'singleton', retryLimit: 0, expireInSeconds: 60 });
    await this.jobs.schedule(QUEUE, '* * * * *');
    await this.jobs.work(QUEUE, {}, async () => {
      const purged = await this.purge();
      if (purged > 0) this.logger.log(`Purged ${purged} pending password copies`);
    });
  }

  async purge(): Promise<number> {
    const now = this.clock.now();
    const graceStart = new Date(now.getTime() - EMAIL_GRACE_HOURS * 3600_000);
    const result = await this.orm.em.fork().execute<{ id: string }[]>(
      `update password_reset set pending_password_encrypted = null
        where pending_password_encrypted is not null
          and (status = 'superseded'
               or (status = 'pending' and complete_by < ?)
               or (status = 'completed' and (send_email is not true or completed_at < ?))
               or password_expires_at < ?)
        returning id`,
      [now, graceStart, now],
    );
    return result.length;
  }
}
