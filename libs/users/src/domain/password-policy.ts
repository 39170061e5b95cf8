import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { DomainError } from '@app/core';

let estimator: ZxcvbnFactory | undefined;

/**
 * The strength estimator with its dictionaries (~85 MB resident), built on the first password someone
 * chooses rather than at start-up: most instances rarely see one, and idle memory matters on small hosts.
 */
function strengthEstimator(): ZxcvbnFactory {
  if (!estimator) {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { ZxcvbnFactory: Factory } = require('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core');
    const common = require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
    const en = require('@zxcvbn-ts/language-en') as typeof import('@zxcvbn-ts/language-en');
    /* eslint-enable @typescript-eslint/no-require-imports */
    estimator = new Factory({
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
    });
  }
  return estimator;
}

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
  const result = strengthEstimator().check(password, userInputs);
  if (result.score < MIN_SCORE) {
    // The estimator's sentences end with their own full stop.
    const hint = (result.feedback.warning || result.feedback.suggestions[0] || '').replace(/\.+$/, '');
    throw new DomainError('unprocessable', 'PASSWORD_TOO_WEAK', `The password is too easy to guess${hint ? `: ${hint}` : ''}.`);
  }
}

/** The length rules alone, checked before anything that costs a bcrypt comparison. */
assertAcceptablePassword.lengthOnly = assertLength;
