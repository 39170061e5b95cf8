import type { FastifyInstance, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { RequestContext } from '../context/request-context';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** The client address: the socket's (IPv4 written plainly), or the first X-Forwarded-For hop behind a trusted proxy. */
export function clientAddress(request: FastifyRequest, trustProxy: boolean): string | null {
  const forwarded = trustProxy ? String(request.headers['x-forwarded-for'] ?? '').split(',')[0]?.trim() : '';
  const address = forwarded || request.socket.remoteAddress || null;
  return address?.startsWith('::ffff:') ? address.slice(7) : address;
}

/** Runs each request inside its own RequestContext and echoes its id as X-Request-Id. */
export function registerRequestContext(fastify: FastifyInstance, trustProxy: boolean): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const incoming = request.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    void reply.header('X-Request-Id', requestId);
    const userAgent = request.headers['user-agent'];
    RequestContext.run(
      { requestId, ip: clientAddress(request, trustProxy), userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null },
      done,
    );
  });
}
