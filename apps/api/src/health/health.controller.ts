import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { MikroORM } from '@mikro-orm/postgresql';
import { DomainError, JobQueue, Public } from '@app/core';

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly orm: MikroORM,
    private readonly jobs: JobQueue,
  ) {}

  /** The process is up. */
  @Get()
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The database and the job queue answer. */
  @Get('ready')
  async ready(): Promise<{ status: 'ok' }> {
    try {
      await Promise.race([
        Promise.all([this.orm.em.fork().execute('select 1'), this.jobs.ping()]),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
      ]);
    } catch {
      throw new DomainError('unavailable', 'SERVICE_UNAVAILABLE', 'The database or the job queue does not answer.');
    }
    return { status: 'ok' };
  }
}
