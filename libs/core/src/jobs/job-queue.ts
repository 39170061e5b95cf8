import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EntityManager } from '@mikro-orm/postgresql';
import { CompiledQuery, type Transaction } from 'kysely';
import { PgBoss, type Job, type SendOptions, type WorkOptions, type QueueOptions } from 'pg-boss';
import { AppConfig } from '../config/app-config.type';

/**
 * Durable jobs on PostgreSQL (pg-boss). A job sent with a transaction's EntityManager commits or rolls
 * back with that transaction. Payloads carry ids only, never secrets.
 */
@Injectable()
export class JobQueue implements OnApplicationShutdown {
  private readonly logger = new Logger(JobQueue.name);
  readonly boss: PgBoss;
  private started?: Promise<void>;

  constructor(config: ConfigService<AppConfig, true>) {
    this.boss = new PgBoss({
      connectionString: config.get('databaseUrl', { infer: true }),
      application_name: 'custodian-jobs',
      max: 4,
      // A dead instance's active jobs are expired and retried by the supervisor of a live one.
      superviseIntervalSeconds: 15,
    });
    this.boss.on('error', (error: Error) => this.logger.error(`Job queue: ${error.message}`));
  }

  start(): Promise<void> {
    this.started ??= this.boss.start().then(() => undefined);
    return this.started;
  }

  async createQueue(name: string, options: QueueOptions & { policy?: 'standard' | 'short' | 'singleton' | 'stately' }): Promise<void> {
    await this.start();
    const existing = await this.boss.getQueue(name);
    // A queue's policy is fixed at creation; the other options follow the code on every start.
    const { policy: _policy, ...updatable } = options;
    if (existing) await this.boss.updateQueue(name, updatable);
    else await this.boss.createQueue(name, options).catch(async (error: Error) => {
      // Another instance created it between our check and our create.
      if (!(await this.boss.getQueue(name))) throw error;
    });
  }

  async send(name: string, data: object, options: SendOptions = {}, em?: EntityManager): Promise<string | null> {
    await this.start();
    const db = em ? transactionDb(em) : undefined;
    return this.boss.send(name, data, { ...options, ...(db ? { db } : {}) });
  }

  /**
   * One job per handler call, `localConcurrency` at a time. A worker that got a job fetches the next one at
   * once; only an empty fetch waits out the polling interval. pg-boss alone would wait after every job
   * (its own burst modes need batches, or queue counts that are up to a minute old), which caps a backlog
   * at about localConcurrency / pollingIntervalSeconds jobs a second.
   */
  async work<T extends object>(name: string, options: WorkOptions, handler: (job: Job<T>) => Promise<void>): Promise<void> {
    await this.start();
    const { localConcurrency = 1, ...perWorker } = options;
    // One pg-boss worker per slot: notifyWorker reaches a worker by the id its own work() call returns.
    for (let slot = 0; slot < localConcurrency; slot++) await this.workEagerly(name, perWorker, handler);
  }

  private async workEagerly<T extends object>(name: string, options: WorkOptions, handler: (job: Job<T>) => Promise<void>): Promise<void> {
    let workerId: string | undefined;
    workerId = await this.boss.work<T>(name, { ...options, batchSize: 1 }, async ([job]) => {
      try {
        await handler(job);
      } finally {
        // Skips the delay before the next fetch; after the last job it costs one empty fetch.
        if (workerId) this.boss.notifyWorker(workerId);
      }
    });
  }

  async schedule(name: string, cron: string): Promise<void> {
    await this.start();
    await this.boss.schedule(name, cron, {}, { singletonKey: name });
  }

  async ping(): Promise<void> {
    await this.start();
    await this.boss.getQueue('__ping__');
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.started) await this.boss.stop({ graceful: true, timeout: 5000 }).catch(() => undefined);
  }
}

/**
 * pg-boss runs its own SQL ($1 placeholders) on the transaction of `em`, so the job commits or rolls back
 * with the data. MikroORM 7's transaction context is a Kysely transaction.
 */
function transactionDb(em: EntityManager) {
  const trx = em.getTransactionContext<Transaction<unknown>>();
  if (!trx) throw new Error('JobQueue.send with an EntityManager must run inside its transaction');
  return {
    executeSql: async (text: string, values: unknown[] = []) => ({ rows: (await trx.executeQuery(CompiledQuery.raw(text, values))).rows as unknown[] }),
  };
}
