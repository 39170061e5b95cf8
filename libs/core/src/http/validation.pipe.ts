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

/** Dotted names of the string values (at any depth) that contain a NUL character. */
export function fieldsWithNul(value: unknown, parent = ''): string[] {
  if (typeof value === 'string') return value.includes('\u0000') ? [parent] : [];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => fieldsWithNul(inner, parent ? `${parent}.${key}` : key));
}

/**
 * The global pipe: whitelist, forbid unknown fields, transform. A missing body counts as `{}` (so required
 * fields are reported by name); a body that is JSON but not an object (null, an array, a number) is a 400.
 * A NUL character in any text is a 400 too: PostgreSQL cannot store it (it would be a 500) and bcrypt
 * stops reading a password at it.
 */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const validatesClass = typeof metadata.metatype === 'function' && ![String, Boolean, Number, Array, Object].includes(metadata.metatype as never);
    if (validatesClass && (metadata.type === 'body' || metadata.type === 'query')) {
      if (value === undefined) value = {};
      else if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new ValidationFailedError([], 'The request body must be a JSON object.');
      }
      const withNul = fieldsWithNul(value);
      if (withNul.length > 0) throw new ValidationFailedError(withNul.map((field) => ({ field, message: 'must not contain a NUL character' })));
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
