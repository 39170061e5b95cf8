import { clearTokens, readTokens, saveTokens } from '../auth/token-store';
import { ApiError } from './api-error';
import type { TokenPair } from './types';

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | string[] | number | undefined | null>;
  headers?: Record<string, string>;
  /** Sign-in and refresh must not trigger the refresh-on-401 logic. */
  anonymous?: boolean;
  signal?: AbortSignal;
}

type SessionListener = (reason: 'ended' | 'password-change-required') => void;
const sessionListeners = new Set<SessionListener>();

/** The app shell listens so a dead session or a forced password change re-routes from anywhere. */
export function onSessionEvent(listener: SessionListener): () => void {
  sessionListeners.add(listener);
  return () => sessionListeners.delete(listener);
}

function emitSessionEvent(reason: Parameters<SessionListener>[0]): void {
  for (const listener of sessionListeners) listener(reason);
}

export function apiUrl(path: string, query?: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
  }
  const search = params.toString();
  return `/api${path}${search ? `?${search}` : ''}`;
}

async function send(path: string, options: RequestOptions, accessToken: string | null): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
  try {
    return await fetch(apiUrl(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK_ERROR', null);
  }
}

// One refresh at a time: refresh tokens rotate, and presenting a rotated one
// again revokes the whole session, so parallel 401s must share one refresh.
let refreshInFlight: Promise<TokenPair | null> | null = null;

function refreshTokens(): Promise<TokenPair | null> {
  refreshInFlight ??= (async () => {
    const current = readTokens();
    if (!current) return null;
    const response = await send('/auth/refresh', { method: 'POST', body: { refreshToken: current.refreshToken } }, null).catch(
      () => null,
    );
    if (!response?.ok) return null;
    const pair = (await response.json()) as TokenPair;
    saveTokens(pair);
    return pair;
  })().finally(() => {
    refreshInFlight = null;
  });
  return refreshInFlight;
}

/** Sends the request with the stored token; on 401 refreshes once and retries, else ends the session. */
export async function rawRequest(path: string, options: RequestOptions = {}): Promise<Response> {
  const tokens = options.anonymous ? null : readTokens();
  let response = await send(path, options, tokens?.accessToken ?? null);

  if (response.status === 401 && tokens) {
    const refreshed = await refreshTokens();
    if (refreshed) response = await send(path, options, refreshed.accessToken);
    if (!refreshed || response.status === 401) {
      clearTokens();
      emitSessionEvent('ended');
    }
  }
  if (!response.ok) {
    const error = await ApiError.fromResponse(response);
    if (error.code === 'PASSWORD_CHANGE_REQUIRED') emitSessionEvent('password-change-required');
    throw error;
  }
  return response;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await rawRequest(path, options);
  if (response.status === 204) return undefined as T;
  try {
    return (await response.json()) as T;
  } catch {
    throw new ApiError(response.status, 'UNEXPECTED_RESPONSE', null);
  }
}
