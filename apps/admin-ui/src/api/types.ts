// Shapes of the REST contract (docs: /api/docs). Only what the UI reads.

export type UserType = 'parent' | 'customer' | 'supplier' | 'employee' | 'user';
export const USER_TYPES: readonly UserType[] = ['parent', 'customer', 'supplier', 'employee', 'user'];

export type Role = 'admin' | 'auditor';
export type Locale = 'en' | 'ar';

export interface User {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  emailValid: boolean;
  type: UserType;
  roles: Role[];
  locale: Locale;
  hasIqama: boolean;
  iqamaLast4: string | null;
  mustChangePassword: boolean;
  createdAt: string;
  updatedAt: string;
  actions: { resetPassword: boolean };
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface LoginResponse {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: User;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

export interface Session {
  id: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

export type ResetMethod = 'random' | 'iqama';
export type ResetStatus = 'pending' | 'completed' | 'superseded' | 'expired';
export type EmailDelivery = 'not_requested' | 'queued' | 'sending' | 'sent' | 'failed';

export interface ActorRef {
  id: string;
  username: string;
}

/** The 201 answer of POST /users/:id/password-resets: the only time the password is shown. */
export interface CreatedPasswordReset {
  id: string;
  userId: string;
  status: ResetStatus;
  method: ResetMethod;
  password: string | null;
  requirePasswordChange: boolean;
  email: { address: string | null; valid: boolean };
  createdAt: string;
  completeBy: string;
  passwordExpiresAt: string;
  performedBy: ActorRef;
}

export interface PasswordReset {
  id: string;
  userId: string;
  status: ResetStatus;
  method: ResetMethod;
  requirePasswordChange: boolean;
  createdAt: string;
  completeBy: string;
  completedAt: string | null;
  performedBy: ActorRef;
  sendEmail: boolean | null;
  logoutSessions: boolean | null;
  sessionsRevoked: number | null;
  email: {
    address: string | null;
    valid: boolean;
    delivery: EmailDelivery;
    attempts: number;
    sentAt: string | null;
    lastError: string | null;
  };
}

export interface AuditEvent {
  id: string;
  seq: number;
  occurredAt: string;
  action: string;
  actor: ActorRef | null;
  target: ActorRef | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  correlationId: string | null;
  details: Record<string, unknown> | null;
}

export interface FieldError {
  field: string;
  message: string;
}
