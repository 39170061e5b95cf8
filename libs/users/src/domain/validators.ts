import { ValidateBy, ValidateIf, ValidationOptions } from 'class-validator';
import { EMAIL_RULE_MESSAGE, isDeliverableEmail } from './email-rule';
import { IQAMA_RULE_MESSAGE, isValidIqama } from './iqama-rule';

export const IsDeliverableEmail = (options?: ValidationOptions) =>
  ValidateBy({ name: 'isDeliverableEmail', validator: { validate: isDeliverableEmail, defaultMessage: () => EMAIL_RULE_MESSAGE } }, options);

export const IsIqamaNumber = (options?: ValidationOptions) =>
  ValidateBy({ name: 'isIqamaNumber', validator: { validate: isValidIqama, defaultMessage: () => IQAMA_RULE_MESSAGE } }, options);

/**
 * Optional, but when present not null: for fields that cannot be cleared. Use it instead of @IsOptional(),
 * which skips every rule of the property, this one included, for null as well as for undefined.
 */
export const IsPresentNotNull =
  (options?: ValidationOptions): PropertyDecorator =>
  (target, key) => {
    ValidateIf((_object, value) => value !== undefined)(target, key as string);
    ValidateBy({ name: 'isPresentNotNull', validator: { validate: (value) => value !== null, defaultMessage: () => 'must not be null' } }, options)(target, key as string);
  };
