import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { FastifyReply } from 'fastify';
import type { Duplex } from 'node:stream';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AppConfig, answerClientError, Clock, ConfigError, createValidationPipe, sendProblem, loadConfig, readEnvironment, registerRequestContext, requestIdOf, sizeThreadPool } from '@app/core';
import { DemoAccounts } from '@app/users';
import { AppModule } from './app.module';
import { serveAdminUi } from './ui-static';
import { startEmbeddedServices } from './dev/embedded-services';

export interface CreateAppOptions {
  logLevel?: string;
  clock?: Clock;
}

/** The repository (or deployment) root: where package.json is, so paths work from src and from dist. */
export function projectRoot(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'apps'))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

/** Builds the application without listening; tests call this, `bootstrap()` adds the embedded defaults and the port. */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    routerOptions: { maxParamLength: 200 },
    genReqId: requestIdOf,
    // JSON.parse makes `__proto__` a plain own key (no pollution); the validation pipe then refuses it, and
    // `constructor`/`prototype`, at any depth as a 400 naming the field, instead of Fastify's anonymous 400.
    onProtoPoisoning: 'ignore',
    onConstructorPoisoning: 'ignore',
    // Errors the router answers itself (a path with broken percent-encoding) get problem+json too.
    frameworkErrors: (error: Error, _request: unknown, reply: FastifyReply) => sendProblem(reply, error),
    // Errors Node's HTTP parser answers before any request exists (headers or URL too large): problem+json too.
    clientErrorHandler: (error: Error & { code?: string }, socket: Duplex) => answerClientError(error, socket),
  });
  registerRequestContext(adapter.getInstance(), config.trustProxy);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, options.logLevel, options.clock), adapter, {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.setGlobalPrefix('api');
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Custodian API')
      .setDescription('User and credential management: users, sign-in and sessions, admin password resets, audit trail. Errors are application/problem+json (RFC 9457) with a stable `code`.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  await serveAdminUi(app.getHttpAdapter().getInstance(), join(projectRoot(), 'dist', 'admin-ui'));
  await app.init();
  return app;
}

async function bootstrap(): Promise<void> {
  sizeThreadPool();
  const root = projectRoot();
  const env = readEnvironment();
  let embedded;
  let config: AppConfig;
  try {
    embedded = await startEmbeddedServices(env, join(root, '.data'));
    config = loadConfig(env, embedded);
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : `Start-up failed: ${(error as Error).message}`}\n`);
    await embedded?.stop();
    process.exit(1);
  }
  try {
    const app = await createApp(config, { logLevel: config.logLevel });
    app.getHttpServer().on('close', () => void embedded.stop());
    await app.listen({ port: config.port, host: '0.0.0.0' });
    printBanner(config, embedded.inboxUrl, app.get(DemoAccounts).list());
  } catch (error) {
    process.stderr.write(`Start-up failed: ${(error as Error).message}\n`);
    await embedded.stop();
    process.exit(1);
  }
}

/** Start-up facts for a person at a terminal: written to stdout directly, not to the structured log (it holds demo passwords). */
function printBanner(config: AppConfig, inboxUrl: string | undefined, demo: { username: string; password: string; type: string; roles: string[] }[]): void {
  const base = `http://localhost:${config.port}`;
  const lines = [
    '',
    'Custodian is running',
    `  Admin UI   ${base}/`,
    `  API        ${base}/api`,
    `  API docs   ${base}/api/docs`,
    `  Inbox      ${inboxUrl ?? `(SMTP_URL is set: mail goes to ${new URL(config.smtpUrl).host})`}`,
  ];
  if (demo.length > 0) {
    lines.push('', '  Demo accounts (SEED_DEMO):');
    for (const account of demo) lines.push(`    ${account.username.padEnd(14)} ${account.password}   ${[account.type, ...account.roles].join(', ')}`);
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

if (require.main === module) void bootstrap();
