import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Actor } from '@app/core';
import { CreateUserDto } from '../create-user/create-user.dto';
import { UpdateUserDto } from '../update-user/update-user.dto';
import { EMAIL_RULE_MESSAGE, isDeliverableEmail } from './email-rule';
import { User } from './user.entity';
import { toUserView } from './user.view';

const VALID = [
  'fatima@example.org',
  'Fatima.K@Example.ORG',
  'first.last+tag@sub.example.co.uk',
  "o'brien@example.ie",
  'a_b-c@my-domain.example',
  'x@example.museum',
  '1234@example.org',
  `${'a'.repeat(64)}@example.org`,
];

const INVALID: unknown[] = [
  '',
  'plain',
  '@example.org',
  'someone@',
  'someone@localhost',
  'someone@example',
  'someone@example.c',
  'someone@example.123',
  'someone@@example.org',
  'some@one@example.org',
  'two words@example.org',
  ' padded@example.org',
  'padded@example.org ',
  '.dot@example.org',
  'dot.@example.org',
  'double..dot@example.org',
  'someone@example..org',
  'someone@-example.org',
  'someone@example-.org',
  'someone@exa_mple.org',
  'someone@example.org.',
  `${'a'.repeat(65)}@example.org`,
  `a@${'b'.repeat(250)}.org`,
  '"quoted"@example.org',
  'someone@[127.0.0.1]',
  null,
  undefined,
  42,
  ['a@example.org'],
];

describe('the email rule', () => {
  it.each(VALID)('accepts %p', (email) => {
    expect(isDeliverableEmail(email)).toBe(true);
  });

  it.each(INVALID)('refuses %p', (email) => {
    expect(isDeliverableEmail(email)).toBe(false);
  });

  function viewOf(email: string | null): boolean {
    const user = Object.assign(new User(), { username: 'u', displayName: 'U', email, type: 'customer' });
    return toUserView(user, undefined as unknown as Actor).emailValid;
  }

  async function acceptedOnCreate(email: unknown): Promise<boolean> {
    const dto = plainToInstance(CreateUserDto, { username: 'someone', displayName: 'Someone', type: 'customer', email });
    const errors = await validate(dto, { forbidUnknownValues: true });
    const emailErrors = errors.filter((e) => e.property === 'email');
    if (emailErrors.length > 0) expect(Object.values(emailErrors[0].constraints ?? {})).toContain(EMAIL_RULE_MESSAGE);
    return emailErrors.length === 0 && errors.length === 0;
  }

  async function acceptedOnUpdate(email: unknown): Promise<boolean> {
    return (await validate(plainToInstance(UpdateUserDto, { email }))).length === 0;
  }

  it.each([...VALID, ...INVALID.filter((e): e is string => typeof e === 'string')])(
    'drives both acceptance (create and update) and emailValid the same way for %p',
    async (email) => {
      const expected = isDeliverableEmail(email);
      expect(viewOf(email)).toBe(expected);
      expect(await acceptedOnCreate(email)).toBe(expected);
      expect(await acceptedOnUpdate(email)).toBe(expected);
    },
  );

  it('reports a missing email as not valid, while accepting its absence on create and null on update', async () => {
    expect(viewOf(null)).toBe(false);
    expect(await acceptedOnCreate(undefined)).toBe(true);
    expect(await acceptedOnUpdate(null)).toBe(true);
  });
});
