import type { TokenPair } from '../api/types';

// sessionStorage: the tokens live as long as the tab, and never reach another tab.
const ACCESS_KEY = 'custodian.accessToken';
const REFRESH_KEY = 'custodian.refreshToken';

export function readTokens(): TokenPair | null {
  const accessToken = sessionStorage.getItem(ACCESS_KEY);
  const refreshToken = sessionStorage.getItem(REFRESH_KEY);
  return accessToken && refreshToken ? { accessToken, refreshToken } : null;
}

export function saveTokens(tokens: TokenPair): void {
  sessionStorage.setItem(ACCESS_KEY, tokens.accessToken);
  sessionStorage.setItem(REFRESH_KEY, tokens.refreshToken);
}

export function clearTokens(): void {
  sessionStorage.removeItem(ACCESS_KEY);
  sessionStorage.removeItem(REFRESH_KEY);
}
