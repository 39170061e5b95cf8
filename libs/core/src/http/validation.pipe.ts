import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldProblem, ValidationFailedError } from '../errors/domain-error';

/** Flattens class-validator's tree into dotted field names (`details.reason`). */
export function fieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message: plain(message, error.property) }));
    return [...own, ...fieldProblems(error.children ?? [], field)];
  });
}

/** class-validator says "property x should not exist"; clients read a field-level message. */
function plain(message: string, property: string): string {
  if (message === `property ${property} should not exist`) return 'is not a known field';
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

/** No request of the contract nests deeper than this; deeper input is refused before anything recurses over it. */
export const MAX_BODY_DEPTH = 32;
/** Keys that could reach an object's prototype through a careless merge: never a field of the contract. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Problems in the raw input that class-validator cannot name, found by one iterative walk (a 10,000-deep
 * body must not overflow the stack): text with a NUL character (PostgreSQL cannot store it; bcrypt stops
 * reading a password at it), prototype-reaching keys, and nesting past MAX_BODY_DEPTH.
 */
export function rawInputProblems(value: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  while (stack.length > 0 && problems.length < 20) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) problems.push({ field: path, message: 'must not contain a NUL character' });
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) {
      problems.push({ field: path, message: `is nested deeper than ${MAX_BODY_DEPTH} levels` });
      continue;
    }
    for (const key of Object.keys(current)) {
      const field = path ? `${path}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key)) problems.push({ field, message: 'is not allowed' });
      else stack.push({ value: (current as Record<string, unknown>)[key], path: field, depth: depth + 1 });
    }
  }
  return problems;
}

/**
 * The global pipe: whitelist, forbid unknown fields, transform. A missing body counts as `{}` (so required
 * fields are reported by name); a body that is JSON but not an object (null, an array, a number) is a 400.
 * So are the raw-input problems class-validator cannot see (see rawInputProblems).
 */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const validatesClass = typeof metadata.metatype === 'function' && ![String, Boolean, Number, Array, Object].includes(metadata.metatype as never);
    if (validatesClass && (metadata.type === 'body' || metadata.type === 'query')) {
      if (value === undefined) value = {};
      else if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new ValidationFailedError([], 'The request body must be a JSON object.');
      }
      const problems = rawInputProblems(value);
      if (problems.length > 0) throw new ValidationFailedError(problems);
    }
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailedError(fieldProblems(errors)),
  });
}
