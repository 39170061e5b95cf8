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

/**
 * The global pipe: whitelist, forbid unknown fields, transform. A missing body counts as `{}` (so required
 * fields are reported by name); a body that is JSON but not an object (null, an array, a number) is a 400.
 */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const validatesClass = typeof metadata.metatype === 'function' && ![String, Boolean, Number, Array, Object].includes(metadata.metatype as never);
    if (validatesClass && (metadata.type === 'body' || metadata.type === 'query')) {
      if (value === undefined) value = {};
      else if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new ValidationFailedError([], 'The request body must be a JSON object.');
      }
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
