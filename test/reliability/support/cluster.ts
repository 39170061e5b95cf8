import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import request from 'supertest';

export const ROOT = resolve(__dirname, '../../..');
/** The file `npm start` runs, read from its script, so that the suite fails when the two part ways. */
export const BUILT_MAIN = join(ROOT, startEntry());

export const LOG_DIR = join(ROOT, 'test-output/reliability');
/** Generated per run, as production requires (placeholder-looking secrets are refused). */
export const APP_SECRET = randomBytes(32).toString('base64url');
export const ADMIN = { username: 'admin', password: 'Admin-password-for-reliability-42', email: 'admin@example.org' };
export const BCRYPT_COST = 5;

function startEntry(): string {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const entry = /\bnode (\S+\.js)$/.exec(scripts.start)?.[1];
  if (!entry) throw new Error(`package.json's start script does not end with "node <file>.js": ${scripts.start}`);
  return entry;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export interface InstanceOptions {
  name: string;
  databaseUrl: string;
  smtpUrl: string;
  env?: Record<string, string>;
}

/** One process of the built app. `life` counts its starts, so each life gets its own log file. */
export class Instance {
  port = 0;
  life = 0;
  readonly logFiles: string[] = [];
  private child?: ChildProcess;
  private exited?: Promise<number | null>;
  private log?: WriteStream;

  constructor(
    readonly suite: string,
    readonly options: InstanceOptions,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  http(): ReturnType<typeof request> {
    return request(this.url);
  }

  /** Spawns the process (same port as its previous life) and returns without waiting for readiness. */
  async spawn(): Promise<void> {
    if (!existsSync(BUILT_MAIN)) throw new Error(`${BUILT_MAIN} is missing: run npm run build:api first`);
    if (this.running) throw new Error(`${this.options.name} is already running`);
    if (this.port === 0) this.port = await freePort();
    this.life += 1;
    mkdirSync(LOG_DIR, { recursive: true });
    const file = join(LOG_DIR, `${this.suite}-${this.options.name}-${this.life}.log`);
    this.logFiles.push(file);
    this.log = createWriteStream(file);
    const child = spawn(process.execPath, [BUILT_MAIN], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/root',
        NODE_ENV: 'production',
        DATABASE_URL: this.options.databaseUrl,
        SMTP_URL: this.options.smtpUrl,
        APP_SECRET,
        PORT: String(this.port),
        BCRYPT_COST: String(BCRYPT_COST),
        ADMIN_USERNAME: ADMIN.username,
        ADMIN_PASSWORD: ADMIN.password,
        ADMIN_EMAIL: ADMIN.email,
        SEED_DEMO: 'false',
        LOG_LEVEL: 'info',
        PUBLIC_URL: 'http://custodian.test',
        ...this.options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(this.log, { end: false });
    child.stderr!.pipe(this.log, { end: false });
    const log = this.log;
    this.exited = new Promise((resolveExit) =>
      child.once('exit', (code) => {
        // Let the pipes drain before the file is closed.
        setImmediate(() => log.end());
        resolveExit(code);
      }),
    );
    this.child = child;
  }

  /** Polls /api/health/ready until 200; fails early if the process exits. */
  async waitReady(timeoutMs = 30000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`${this.options.name} exited during start-up (see ${this.logFiles.at(-1)})`);
      const status = await fetch(`${this.url}/api/health/ready`, { signal: AbortSignal.timeout(2000) }).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) return;
      if (Date.now() > deadline) throw new Error(`${this.options.name} not ready within ${timeoutMs} ms (see ${this.logFiles.at(-1)})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async start(timeoutMs = 30000): Promise<void> {
    await this.spawn();
    await this.waitReady(timeoutMs);
  }

  /** SIGKILL: no shutdown hooks, no graceful anything. Resolves once the process is gone. */
  async kill(): Promise<void> {
    if (!this.child || !this.running) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM with a deadline, then SIGKILL. */
  async stop(timeoutMs = 10000): Promise<void> {
    if (!this.child || !this.running) {
      await this.exited;
      return;
    }
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  async restart(timeoutMs = 30000): Promise<void> {
    await this.kill();
    await this.start(timeoutMs);
  }

  exitPromise(): Promise<number | null> | undefined {
    return this.exited;
  }
}

export interface ClusterOptions {
  suite: string;
  instances: number;
  databaseUrl: string;
  smtpUrl: string;
  env?: Record<string, string>;
  /** Start all instances at the same moment (the default), or one after another. */
  together?: boolean;
}

/** N instances of the built app on one database and one SMTP sink. */
export class Cluster {
  readonly instances: Instance[];

  constructor(readonly options: ClusterOptions) {
    this.instances = Array.from(
      { length: options.instances },
      (_, i) =>
        new Instance(options.suite, {
          name: String.fromCharCode(65 + i),
          databaseUrl: options.databaseUrl,
          smtpUrl: options.smtpUrl,
          env: options.env,
        }),
    );
  }

  static async start(options: ClusterOptions): Promise<Cluster> {
    const cluster = new Cluster(options);
    try {
      if (options.together === false) for (const instance of cluster.instances) await instance.start();
      else await Promise.all(cluster.instances.map((instance) => instance.start(45000)));
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  get a(): Instance {
    return this.instances[0];
  }

  get b(): Instance {
    return this.instances[1];
  }

  get logFiles(): string[] {
    return this.instances.flatMap((instance) => instance.logFiles);
  }

  async stop(): Promise<void> {
    await Promise.all(this.instances.map((instance) => instance.stop()));
  }
}
