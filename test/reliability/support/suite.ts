import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Api } from './api';
import { Cluster, ClusterOptions, LOG_DIR, ROOT } from './cluster';
import { createTestDatabase, Db } from './db';
import { SecretLedger } from './secrets';
import { ControlledSmtp } from './smtp';

/** The usual set-up of a reliability suite: a fresh database, one SMTP sink, N built instances. */
export interface Rig {
  cluster: Cluster;
  smtp: ControlledSmtp;
  db: Db;
  databaseUrl: string;
  secrets: SecretLedger;
  api: Api;
  stop(): Promise<void>;
}

export async function startRig(options: Omit<ClusterOptions, 'databaseUrl' | 'smtpUrl'>): Promise<Rig> {
  removeLogsOf(options.suite);
  const database = await createTestDatabase('custodian_rel');
  const smtp = await ControlledSmtp.start();
  const db = await Db.connect(database.url);
  const secrets = new SecretLedger();
  let cluster: Cluster | undefined;
  const stop = async () => {
    await cluster?.stop();
    await smtp.stop();
    await db.close();
    await database.drop();
  };
  try {
    cluster = await Cluster.start({ ...options, databaseUrl: database.url, smtpUrl: smtp.url });
  } catch (error) {
    await stop();
    throw error;
  }
  return { cluster, smtp, db, databaseUrl: database.url, secrets, api: new Api(secrets), stop };
}

/** The logs of the suite's previous run, so a scan reads this run's only. */
export function removeLogsOf(suite: string): void {
  if (!existsSync(LOG_DIR)) return;
  for (const file of readdirSync(LOG_DIR)) if (file.startsWith(`${suite}-`)) rmSync(join(LOG_DIR, file), { force: true });
}

/** The migrations the built app declares (its compiled migrations/index.js: the list it runs). */
export function declaredMigrations(): string[] {
  const source = readFileSync(join(ROOT, 'dist/migrations/index.js'), 'utf8');
  const list = source.slice(source.indexOf('exports.MIGRATIONS = ['));
  return [...list.matchAll(/\.(Migration\d+\w*)\b/g)].map((m) => m[1]).filter((name, i, all) => all.indexOf(name) === i);
}

/** Runs `work` over `items` with at most `width` in flight. */
export async function inBatches<T, R>(items: T[], width: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index], index);
      }
    }),
  );
  return results;
}
