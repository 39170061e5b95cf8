import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import { DomainError } from '@app/core';

const estimator = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...en.dictionary },
  graphs: common.adjacencyGraphs,
  translations: en.translations,
});

export const MIN_PASSWORD_LENGTH = 12;
/** bcrypt reads only the first 72 bytes; longer input would be cut without a word. */
export const MAX_PASSWORD_BYTES = 72;
const MIN_SCORE = 3;

export interface PasswordContext {
  username: string;
  email?: string | null;
  displayName?: string | null;
}

function assertLength(password: string): void {
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    throw new DomainError('unprocessable', 'PASSWORD_TOO_LONG', `The password must be at most ${MAX_PASSWORD_BYTES} bytes (UTF-8).`);
  }
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw new DomainError('unprocessable', 'PASSWORD_TOO_WEAK', `The password must be at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
}

/** The policy wherever a person chooses a password. The length rules come first. */
export function assertAcceptablePassword(password: string, context: PasswordContext): void {
  assertLength(password);
  const lowered = password.toLowerCase();
  if (lowered === context.username.toLowerCase() || (context.email && lowered === context.email.toLowerCase())) {
    throw new DomainError('unprocessable', 'PASSWORD_TOO_WEAK', 'The password must not be the username or email.');
  }
  const userInputs = [context.username, context.email ?? '', context.displayName ?? '', ...(context.email?.split('@') ?? [])].filter(Boolean);
  const result = estimator.check(password, userInputs);
  if (result.score < MIN_SCORE) {
    // The estimator's sentences end with their own full stop.
    const hint = (result.feedback.warning || result.feedback.suggestions[0] || '').replace(/\.+$/, '');
    throw new DomainError('unprocessable', 'PASSWORD_TOO_WEAK', `The password is too easy to guess${hint ? `: ${hint}` : ''}.`);
  }
}

/** The length rules alone, checked before anything that costs a bcrypt comparison. */
assertAcceptablePassword.lengthOnly = assertLength;
