import type { FieldError } from './types';

/** Client-side codes for failures that never reached a problem+json answer. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'UNEXPECTED_RESPONSE';

/** An RFC 9457 problem answer (or a client-side failure), carrying the stable `code`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string | null,
    readonly fieldErrors: FieldError[] = [],
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(detail ?? code);
    this.name = 'ApiError';
  }

  static async fromResponse(response: Response): Promise<ApiError> {
    const retryAfter = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
    const retryAfterSeconds = Number.isFinite(retryAfter) ? retryAfter : null;
    let body: Record<string, unknown> = {};
    try {
      body = (await response.json()) as Record<string, unknown>;
    } catch {
      // A proxy's HTML error page or an empty body: fall back to the status.
    }
    const code = typeof body.code === 'string' ? body.code : codeForStatus(response.status);
    const detail = typeof body.detail === 'string' ? body.detail : null;
    const fieldErrors = Array.isArray(body.errors) ? (body.errors as FieldError[]) : [];
    return new ApiError(response.status, code, detail, fieldErrors, retryAfterSeconds);
  }
}

function codeForStatus(status: number): string {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  if (status === 429) return 'TOO_MANY_REQUESTS';
  if (status >= 500) return 'SERVICE_UNAVAILABLE';
  return 'UNEXPECTED_RESPONSE';
}

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}
