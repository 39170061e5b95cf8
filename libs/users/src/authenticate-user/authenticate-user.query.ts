import { Query } from '@nestjs/cqrs';

export interface AuthenticatedUser {
  id: string;
  username: string;
  roles: string[];
  mustChangePassword: boolean;
  /** Stamped on a session opened with this check, so a reset can tell which sessions used the old password. */
  credentialsVersion: number;
}

export type AuthenticationResult =
  | { outcome: 'ok'; user: AuthenticatedUser }
  | { outcome: 'invalid' | 'expired'; userId: string | null };

/** The account a login (username or email, case-insensitive) names, if any: the key of its sign-in limit. */
export class ResolveLoginQuery extends Query<string | null> {
  constructor(readonly login: string) {
    super();
  }
}

/** Checks a password; always spends one bcrypt comparison, whether or not the account exists. */
export class AuthenticateUserQuery extends Query<AuthenticationResult> {
  constructor(
    readonly login: string,
    readonly password: string,
  ) {
    super();
  }
}

/** What the auth guard needs on every request; null when the user no longer exists. */
export class GetUserAuthStateQuery extends Query<AuthenticatedUser | null> {
  constructor(readonly userId: string) {
    super();
  }
}
