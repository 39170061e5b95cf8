import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { onSessionEvent } from '../api/client';
import * as api from '../api/endpoints';
import type { Role, User } from '../api/types';
import { clearTokens, readTokens, saveTokens } from './token-store';

export type AuthState =
  | { status: 'loading' }
  | { status: 'signed-out'; sessionEnded: boolean }
  | { status: 'signed-in'; user: User };

interface Auth {
  state: AuthState;
  signIn(login: string, password: string): Promise<User>;
  signOut(): Promise<void>;
  /** Re-reads /auth/me, e.g. after a password change or a profile edit. */
  reloadUser(): Promise<void>;
  setUser(user: User): void;
}

const AuthContext = createContext<Auth | null>(null);

export function hasRole(user: User, ...roles: Role[]): boolean {
  return roles.some((role) => user.roles.includes(role));
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>(() =>
    readTokens() ? { status: 'loading' } : { status: 'signed-out', sessionEnded: false },
  );

  const reloadUser = useCallback(async () => {
    const user = await api.fetchMe();
    setState({ status: 'signed-in', user });
  }, []);

  // A reload keeps the tab's tokens: find out who they belong to, if anyone.
  useEffect(() => {
    if (state.status !== 'loading') return;
    reloadUser().catch(() => {
      clearTokens();
      // Keep "session ended" if the client already reported it: the tab had a session that was revoked.
      setState((current) => (current.status === 'signed-out' ? current : { status: 'signed-out', sessionEnded: false }));
    });
  }, [state.status, reloadUser]);

  useEffect(
    () =>
      onSessionEvent((reason) => {
        if (reason === 'ended') {
          setState((current) => (current.status === 'signed-out' ? current : { status: 'signed-out', sessionEnded: true }));
        } else {
          setState((current) =>
            current.status === 'signed-in' ? { status: 'signed-in', user: { ...current.user, mustChangePassword: true } } : current,
          );
        }
      }),
    [],
  );

  const signIn = useCallback(async (login: string, password: string) => {
    const answer = await api.signIn(login, password);
    saveTokens(answer);
    setState({ status: 'signed-in', user: answer.user });
    return answer.user;
  }, []);

  const signOut = useCallback(async () => {
    // The server side of the session should end too, but a failure must not keep anyone signed in here.
    await api.signOut().catch(() => undefined);
    clearTokens();
    setState({ status: 'signed-out', sessionEnded: false });
  }, []);

  const setUser = useCallback((user: User) => setState({ status: 'signed-in', user }), []);

  const value = useMemo<Auth>(
    () => ({ state, signIn, signOut, reloadUser, setUser }),
    [state, signIn, signOut, reloadUser, setUser],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const context = useContext(AuthContext);
  if (!context) throw new Error('useAuth outside AuthProvider');
  return context;
}

/** For pages that only render when signed in. */
export function useSignedInUser(): User {
  const { state } = useAuth();
  if (state.status !== 'signed-in') throw new Error('useSignedInUser while not signed in');
  return state.user;
}
