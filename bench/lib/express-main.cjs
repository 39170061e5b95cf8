'use strict';
/**
 * Bench-only entry point: the same compiled AppModule (bench/.build) on Nest's Express adapter, so the two
 * adapters can be compared on identical modules without an Express path in the application itself.
 * Mirrors createApp() in apps/api/src/main.ts for everything on the measured routes: the request context
 * (an Express middleware doing what registerRequestContext does for Fastify), the JSON body limit, the
 * pino logger, the /api prefix and the validation pipe. Not served: the admin UI and the Swagger document.
 */
require('reflect-metadata');
const { join } = require('node:path');
const { randomUUID } = require('node:crypto');
const { NestFactory } = require('@nestjs/core');
const { ExpressAdapter } = require('@nestjs/platform-express');
const { Logger } = require('nestjs-pino');

const build = join(__dirname, '..', '.build');
const core = require(join(build, 'libs', 'core', 'src', 'index.js'));
const { AppModule } = require(join(build, 'apps', 'api', 'src', 'app.module.js'));

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

async function main() {
  core.sizeThreadPool();
  const env = core.readEnvironment();
  const config = core.loadConfig(env);
  const app = await NestFactory.create(AppModule.forRoot(config, env.LOG_LEVEL ?? 'info'), new ExpressAdapter(), { bufferLogs: true, bodyParser: false });
  app.use((request, response, next) => {
    const incoming = request.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    response.setHeader('X-Request-Id', requestId);
    const userAgent = request.headers['user-agent'];
    core.RequestContext.run(
      { requestId, ip: core.clientAddress(request, config.trustProxy), userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null },
      next,
    );
  });
  app.useBodyParser('json', { limit: config.bodyLimitBytes });
  app.useLogger(app.get(Logger));
  app.setGlobalPrefix('api');
  app.useGlobalPipes(core.createValidationPipe());
  app.enableShutdownHooks();
  await app.listen(config.port, '0.0.0.0');
}

main().catch((error) => {
  process.stderr.write(`Start-up failed: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
