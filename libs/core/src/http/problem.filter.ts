import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { DomainError, DomainErrorKind, FieldProblem } from '../errors/domain-error';

const STATUS_BY_KIND: Record<DomainErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
};

/** Codes for errors raised by the framework below Nest (body parsing, routing) rather than by our code. */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

export interface Problem {
  type: 'about:blank';
  title: string;
  status: number;
  code: string;
  detail: string;
  errors?: FieldProblem[];
}

/** Turns every error into application/problem+json (RFC 9457). The one place where codes become statuses. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    sendProblem(host.switchToHttp().getResponse<FastifyReply>(), exception, this);
  }

  toProblem(exception: unknown): { problem: Problem; retryAfterSeconds?: number } {
    if (exception instanceof DomainError) {
      const status = STATUS_BY_KIND[exception.kind];
      return {
        problem: problem(status, exception.code, exception.detail, exception.extras.errors),
        retryAfterSeconds: exception.extras.retryAfterSeconds,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status < 500) return { problem: problem(status, CODE_BY_STATUS[status] ?? 'BAD_REQUEST', describeHttp(exception, status)) };
    }
    const frameworkStatus = statusOfFrameworkError(exception);
    if (frameworkStatus) return { problem: problem(frameworkStatus, CODE_BY_STATUS[frameworkStatus] ?? 'BAD_REQUEST', describeFramework(exception, frameworkStatus)) };
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn(`Database unavailable: ${(exception as Error).message}`);
      return { problem: problem(503, 'SERVICE_UNAVAILABLE', 'The service is temporarily unavailable; try again shortly.'), retryAfterSeconds: 5 };
    }
    this.logger.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
    return { problem: problem(500, 'INTERNAL_ERROR', 'An unexpected error occurred.') };
  }
}

/** Writes any error as problem+json; also used for errors Fastify answers before Nest sees the request. */
export function sendProblem(reply: FastifyReply, exception: unknown, filter = new ProblemFilter()): void {
  const { problem, retryAfterSeconds } = filter.toProblem(exception);
  if (retryAfterSeconds) void reply.header('Retry-After', String(retryAfterSeconds));
  void reply.status(problem.status).header('Content-Type', 'application/problem+json; charset=utf-8').send(JSON.stringify(problem));
}

/** For Node's HTTP parser errors (431 headers too large, 400 malformed request line), written on the socket. */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'HPE_URI_TOO_LONG' ? 414 : 400;
  const body = JSON.stringify(problem(status, status === 400 ? 'VALIDATION_FAILED' : 'REQUEST_TOO_LARGE', status === 400 ? 'The request is malformed.' : 'The request line or headers are too large.'));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function problem(status: number, code: string, detail: string, errors?: FieldProblem[]): Problem {
  return { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, code, detail, ...(errors ? { errors } : {}) };
}

function describeHttp(exception: HttpException, status: number): string {
  if (status === 404) return 'No such resource.';
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  return typeof message === 'string' ? message : exception.message;
}

function statusOfFrameworkError(exception: unknown): number | undefined {
  const status = (exception as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

function describeFramework(exception: unknown, status: number): string {
  const code = (exception as { code?: string }).code;
  if (status === 415) return 'The request body must be JSON (Content-Type: application/json).';
  if (status === 413) return 'The request body is too large.';
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'The request body is empty but declared as JSON.';
  if (exception instanceof SyntaxError || code === 'FST_ERR_CTP_INVALID_JSON_BODY') return 'The request body is not valid JSON.';
  return 'The request is malformed.';
}

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004']);

export function isDatabaseUnavailable(exception: unknown): boolean {
  for (let e: unknown = exception, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && /Connection terminated|connection timeout|Client has encountered a connection error|terminating connection/i.test(message)) return true;
    const name = (e as { name?: unknown }).name;
    if (name === 'ConnectionException') return true;
  }
  return false;
}
