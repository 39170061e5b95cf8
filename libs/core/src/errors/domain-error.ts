/**
 * What kind of refusal an error is. The domain says what happened; the HTTP edge (ProblemFilter) alone
 * decides which status that becomes.
 */
export type DomainErrorKind =
  | 'invalid' // 400
  | 'unauthenticated' // 401
  | 'forbidden' // 403
  | 'not_found' // 404
  | 'conflict' // 409
  | 'gone' // 410
  | 'unprocessable' // 422
  | 'rate_limited' // 429
  | 'unavailable'; // 503

export interface FieldProblem {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    readonly detail: string,
    readonly extras: { errors?: FieldProblem[]; retryAfterSeconds?: number } = {},
  ) {
    super(detail);
    this.name = code;
  }
}

export class ValidationFailedError extends DomainError {
  constructor(errors: FieldProblem[], detail?: string) {
    super('invalid', 'VALIDATION_FAILED', detail ?? `The request has ${errors.length} invalid field${errors.length === 1 ? '' : 's'}.`, { errors });
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super('not_found', 'NOT_FOUND', `${what} was not found.`);
  }
}

export class TooManyRequestsError extends DomainError {
  constructor(retryAfterSeconds: number, detail = 'Too many requests; try again later.') {
    super('rate_limited', 'TOO_MANY_REQUESTS', detail, { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)) });
  }
}
