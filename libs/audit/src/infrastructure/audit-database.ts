import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Pool, PoolClient, QueryResultRow } from 'pg';
import { AppConfig } from '@app/core';

/** Results as PostgreSQL's text, untouched: the readers format what they select, so nothing is parsed twice. */
export const RAW_TEXT = { getTypeParser: () => (value: string) => value };

/**
 * The audit reports' own small pool. A CSV export holds its connection for as long as the download
 * lasts, and a verify for seconds: on a pool of their own they can never starve the requests that change
 * things (the ORM's pool).
 */
@Injectable()
export class AuditDatabase implements OnApplicationShutdown {
  private readonly logger = new Logger(AuditDatabase.name);
  private readonly pool: Pool;

  constructor(config: ConfigService<AppConfig, true>) {
    this.pool = new Pool({
      connectionString: config.get('databaseUrl', { infer: true }),
      application_name: 'custodian-audit-reports',
      max: 4,
      idleTimeoutMillis: 30_000,
    });
    // An idle connection dropped by the server must not take the process down.
    this.pool.on('error', (error) => this.logger.warn(`Idle audit connection failed: ${error.message}`));
  }

  async query<T extends QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
    return (await this.pool.query<T>(text, values)).rows;
  }

  /** A connection of one's own, for work spanning several statements; release it (with `true` after an error). */
  connect(): Promise<PoolClient> {
    return this.pool.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
