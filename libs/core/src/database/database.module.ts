import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import { Migrator } from '@mikro-orm/migrations';
import type { Constructor } from '@mikro-orm/core';
import type { Migration } from '@mikro-orm/migrations';
import { AppConfig } from '../config/app-config.type';
import { DatabaseMigrator } from './database-migrator';

export function databaseModule(migrations: Constructor<Migration>[]) {
  return MikroOrmModule.forRootAsync({
    inject: [ConfigService],
    driver: PostgreSqlDriver,
    useFactory: (config: ConfigService<AppConfig, true>) => ({
      driver: PostgreSqlDriver,
      clientUrl: config.get('databaseUrl', { infer: true }),
      autoLoadEntities: true,
      metadataProvider: ReflectMetadataProvider,
      extensions: [Migrator],
      migrations: {
        migrationsList: migrations.map((migration) => ({ name: migration.name, class: migration })),
        transactional: true,
        allOrNothing: true,
        snapshot: false,
      },
      pool: { min: 0, max: 10 },
      forceUtcTimezone: true,
      debug: false,
    }),
  });
}

export { DatabaseMigrator };
