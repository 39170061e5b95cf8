import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { normalizeIsoInstant } from '../domain/iso-instant';

/** A repeatable query parameter arrives as a string once and as an array when repeated. */
export const toArray = ({ value }: { value: unknown }) => (value === undefined || Array.isArray(value) ? value : [value]);

/** Query strings arrive as text: a whole number becomes a number, anything else stays text and fails IsInt. */
export const toInteger = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value);

export function IsIsoInstant(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isIsoInstant',
      target: target.constructor,
      propertyName,
      options: { message: 'must be an ISO 8601 date or date-time with a zone, e.g. 2026-12-03 or 2026-12-03T09:00:00Z', ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && normalizeIsoInstant(value) !== null },
    });
}

/** This instant must not be later than the one in `other` (checked only when both are valid instants). */
export function NotLaterThan(other: string, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'notLaterThan',
      target: target.constructor,
      propertyName,
      constraints: [other],
      options: { message: `must not be later than ${other}`, ...options },
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          const later = (args.object as Record<string, unknown>)[other];
          if (typeof value !== 'string' || typeof later !== 'string') return true;
          const start = normalizeIsoInstant(value);
          const end = normalizeIsoInstant(later);
          return start === null || end === null || start <= end;
        },
      },
    });
}
