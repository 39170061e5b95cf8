import { Injectable, Logger } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';

/** An arbitrary constant: the advisory lock all instances take while migrating. */
const MIGRATION_LOCK = 72_100_117;

/**
 * Applies pending migrations at start-up. Several instances starting together queue on a PostgreSQL
 * advisory lock held on a dedicated connection, so one migrates and the others then find nothing to do.
 */
@Injectable()
export class DatabaseMigrator {
  private readonly logger = new Logger(DatabaseMigrator.name);

  constructor(private readonly orm: MikroORM) {}

  async migrate(): Promise<void> {
    const lockClient = new Client({ connectionString: this.orm.config.get('clientUrl') });
    await lockClient.connect();
    try {
      await lockClient.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
      const applied = await this.orm.migrator.up();
      if (applied.length > 0) this.logger.log(`Applied migrations: ${applied.map((m) => m.name).join(', ')}`);
    } finally {
      await lockClient.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      await lockClient.end();
    }
  }
}
