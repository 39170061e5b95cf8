import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Serves the admin UI build at `/`; any other GET outside /api is a client-side route and gets index.html. */
export async function serveAdminUi(fastify: FastifyInstance, uiDir: string): Promise<boolean> {
  if (!existsSync(join(uiDir, 'index.html'))) return false;
  await fastify.register(fastifyStatic, { root: uiDir, prefix: '/', wildcard: false, index: ['index.html'] });
  fastify.get('/*', (request, reply) => {
    if (request.url.startsWith('/api/') || request.url === '/api') {
      return reply.status(404).type('application/problem+json').send({ type: 'about:blank', title: 'Not Found', status: 404, code: 'NOT_FOUND', detail: 'No such resource.' });
    }
    return reply.type('text/html').sendFile('index.html');
  });
  return true;
}
