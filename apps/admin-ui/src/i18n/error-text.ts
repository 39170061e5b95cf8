import { ApiError } from '../api/api-error';
import type { MessageKey } from './en';
import type { I18n } from './i18n';

/** A sentence for the user, in their language, for any failure the API (or the network) can produce. */
export function errorText(error: unknown, t: I18n['t']): string {
  if (!(error instanceof ApiError)) return t('error.UNKNOWN', { code: 'CLIENT' });
  if (error.code === 'TOO_MANY_REQUESTS' && error.retryAfterSeconds !== null) {
    return t('error.TOO_MANY_REQUESTS_RETRY', { seconds: error.retryAfterSeconds });
  }
  const key = `error.${error.code}` as MessageKey;
  if (isMessageKey(key, t)) return t(key);
  // An unlisted code: still tell something true rather than nothing.
  return t('error.UNKNOWN', { code: error.code });
}

function isMessageKey(key: MessageKey, t: I18n['t']): boolean {
  return t(key) !== key;
}
