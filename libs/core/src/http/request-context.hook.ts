import type { FastifyInstance, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { RequestContext } from '../context/request-context';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
const JSON_MEDIA_TYPE = /^application\/json\s*(?:;|$)/i;

/**
 * Fastify's request id (its `genReqId`): the caller's X-Request-Id when it is well formed, else a new UUID.
 * Being Fastify's own id, it is also the `req.id` of every log line, so logs, responses and audit rows agree.
 */
export function requestIdOf(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** The client address: the socket's (IPv4 written plainly), or the first X-Forwarded-For hop behind a trusted proxy. */
export function clientAddress(request: FastifyRequest, trustProxy: boolean): string | null {
  const forwarded = trustProxy ? String(request.headers['x-forwarded-for'] ?? '').split(',')[0]?.trim() : '';
  const address = forwarded || request.socket.remoteAddress || null;
  return address?.startsWith('::ffff:') ? address.slice(7) : address;
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
}

/**
 * Bodies are JSON only. Fastify parses text/plain and Nest registers a parser for form bodies, so without this
 * a form-encoded body was accepted like JSON and a text body got a 400: the contract answers both with 415.
 * The error goes to the exception layer, which writes the problem+json.
 */
function unsupportedMediaType(request: FastifyRequest): Error | null {
  if (!hasBody(request) || JSON_MEDIA_TYPE.test(request.headers['content-type'] ?? '')) return null;
  return Object.assign(new Error('The request body must be JSON (Content-Type: application/json).'), { statusCode: 415 });
}

/** Runs each request inside its own RequestContext, echoes its id as X-Request-Id, and refuses bodies that are not JSON. */
export function registerRequestContext(fastify: FastifyInstance, trustProxy: boolean): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const requestId = request.id;
    void reply.header('X-Request-Id', requestId);
    const refused = unsupportedMediaType(request);
    if (refused) {
      done(refused);
      return;
    }
    const userAgent = request.headers['user-agent'];
    RequestContext.run(
      { requestId, ip: clientAddress(request, trustProxy), userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null },
      done,
    );
  });
}
