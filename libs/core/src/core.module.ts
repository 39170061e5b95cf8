import { DynamicModule, Global, Module, OnModuleInit } from '@nestjs/common';
import { APP_FILTER, DiscoveryModule } from '@nestjs/core';
import { ConfigModule } from '@nestjs/config';
import type { Constructor } from '@mikro-orm/core';
import type { Migration } from '@mikro-orm/migrations';
import { AppConfig } from './config/app-config.type';
import { databaseModule, DatabaseMigrator } from './database/database.module';
import { loggingModule } from './logging/logging.module';
import { Clock } from './clock/clock';
import { SecretBox } from './crypto/secret-box';
import { RateLimiter } from './rate-limit/rate-limiter';
import { JobQueue } from './jobs/job-queue';
import { UnitOfWork } from './outbox/unit-of-work';
import { OutboxDispatcher } from './outbox/outbox-dispatcher';
import { ProblemFilter } from './http/problem.filter';

export interface CoreOptions {
  config: AppConfig;
  migrations: Constructor<Migration>[];
  logLevel?: string;
  /** Tests pass a controllable clock. */
  clock?: Clock;
}

const SHARED = [Clock, SecretBox, RateLimiter, JobQueue, UnitOfWork, OutboxDispatcher, DatabaseMigrator];

@Global()
@Module({})
export class CoreModule implements OnModuleInit {
  constructor(private readonly migrator: DatabaseMigrator) {}

  static forRoot(options: CoreOptions): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => options.config] }),
        databaseModule(options.migrations),
        DiscoveryModule,
        loggingModule(options.logLevel ?? 'info'),
      ],
      providers: [
        ...SHARED,
        ...(options.clock ? [{ provide: Clock, useValue: options.clock }] : []),
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
      exports: [...SHARED, ConfigModule],
    };
  }

  /** The schema is brought up to date before any other module starts using it. */
  async onModuleInit(): Promise<void> {
    await this.migrator.migrate();
  }
}
