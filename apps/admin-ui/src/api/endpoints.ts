import { rawRequest, request } from './client';
import type {
  AuditEvent,
  CreatedPasswordReset,
  Locale,
  LoginResponse,
  Page,
  PasswordReset,
  Session,
  User,
  UserType,
} from './types';

// Every call the UI makes, one function each, named after what it does.

export const signIn = (login: string, password: string) =>
  request<LoginResponse>('/auth/login', { method: 'POST', body: { login, password }, anonymous: true });

export const signOut = () => request<void>('/auth/logout', { method: 'POST' });

export const fetchMe = () => request<User>('/auth/me');

export const updateMe = (changes: { displayName?: string; locale?: Locale }) =>
  request<User>('/auth/me', { method: 'PATCH', body: changes });

export const changePassword = (currentPassword: string, newPassword: string) =>
  request<void>('/auth/change-password', { method: 'POST', body: { currentPassword, newPassword } });

export const fetchMySessions = () => request<Session[]>('/auth/sessions');

export interface UserListQuery {
  search?: string;
  type?: UserType | '';
  limit?: number;
  cursor?: string | null;
}

export const listUsers = (query: UserListQuery, signal?: AbortSignal) =>
  request<Page<User>>('/users', { query: { ...query }, signal });

export const fetchUser = (id: string) => request<User>(`/users/${encodeURIComponent(id)}`);

export interface UserChanges {
  displayName?: string;
  email?: string | null;
  locale?: Locale;
}

export const updateUser = (id: string, changes: UserChanges) =>
  request<User>(`/users/${encodeURIComponent(id)}`, { method: 'PATCH', body: changes });

export const fetchUserSessions = (id: string) => request<Session[]>(`/users/${encodeURIComponent(id)}/sessions`);

export const fetchPasswordResets = (userId: string) =>
  request<PasswordReset[]>(`/users/${encodeURIComponent(userId)}/password-resets`);

export const fetchPasswordReset = (userId: string, resetId: string) =>
  request<PasswordReset>(`/users/${encodeURIComponent(userId)}/password-resets/${encodeURIComponent(resetId)}`);

export const resetPassword = (
  userId: string,
  body: { requirePasswordChange: boolean; reason?: string },
  idempotencyKey: string,
) =>
  request<CreatedPasswordReset>(`/users/${encodeURIComponent(userId)}/password-resets`, {
    method: 'POST',
    body,
    headers: { 'Idempotency-Key': idempotencyKey },
  });

export const completePasswordReset = (
  userId: string,
  resetId: string,
  toggles: { sendEmail: boolean; logoutSessions: boolean },
) =>
  request<PasswordReset>(
    `/users/${encodeURIComponent(userId)}/password-resets/${encodeURIComponent(resetId)}/complete`,
    { method: 'POST', body: toggles },
  );

export interface AuditQuery {
  action?: string[];
  actorId?: string;
  targetId?: string;
  correlationId?: string;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string | null;
}

export const listAuditEvents = (query: AuditQuery) =>
  request<Page<AuditEvent>>('/audit/events', { query: { ...query } });

/** The CSV export needs the bearer token, so it is fetched and handed over as a blob, not a plain link. */
export async function downloadAuditCsv(query: AuditQuery): Promise<Blob> {
  const { limit: _limit, cursor: _cursor, ...filters } = query;
  const response = await rawRequest('/audit/events', {
    query: { ...filters, format: 'csv' },
    headers: { Accept: 'text/csv' },
  });
  return response.blob();
}
