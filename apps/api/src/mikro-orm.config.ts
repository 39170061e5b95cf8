import { defineConfig } from '@mikro-orm/postgresql';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import { Migrator } from '@mikro-orm/migrations';
import { readEnvironment } from '../../../libs/core/src/config/environment';

/**
 * For the MikroORM CLI only (`npm run migration:create -- --blank`, then list the new class in
 * migrations/index.ts). The application configures MikroORM in libs/core (databaseModule).
 */
export default defineConfig({
  clientUrl: readEnvironment().DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  metadataProvider: ReflectMetadataProvider,
  entities: [],
  discovery: { warnWhenNoEntities: false },
  extensions: [Migrator],
  migrations: { path: 'migrations', pathTs: 'migrations', snapshot: false, emit: 'ts' },
});
