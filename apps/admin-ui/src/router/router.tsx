import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/*
 * A tiny History API router: the backend serves index.html for every unknown
 * non-/api path, so clean URLs such as /users/42 survive a reload.
 */

export interface RouterLocation {
  pathname: string;
  search: string;
  state: unknown;
}

const NAVIGATION_EVENT = 'custodian:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATION_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATION_EVENT, onChange);
  };
}

// useSyncExternalStore needs a stable snapshot between changes.
let cachedLocation: RouterLocation | null = null;
let cachedHref = '';
let cachedState: unknown = undefined;

function snapshot(): RouterLocation {
  const href = window.location.pathname + window.location.search;
  if (!cachedLocation || href !== cachedHref || history.state !== cachedState) {
    cachedHref = href;
    cachedState = history.state;
    cachedLocation = { pathname: window.location.pathname, search: window.location.search, state: history.state };
  }
  return cachedLocation;
}

export function useLocation(): RouterLocation {
  return useSyncExternalStore(subscribe, snapshot);
}

export function navigate(to: string, options: { replace?: boolean; state?: unknown } = {}): void {
  const state = options.state ?? null;
  if (options.replace) history.replaceState(state, '', to);
  else history.pushState(state, '', to);
  window.dispatchEvent(new Event(NAVIGATION_EVENT));
}

/** Matches `/users/:id`-style patterns; returns the parameters or null. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const patternParts = pattern.split('/').filter(Boolean);
  const pathParts = pathname.replace(/\/+$/, '').split('/').filter(Boolean);
  if (patternParts.length !== pathParts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < patternParts.length; i++) {
    const part = patternParts[i];
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(pathParts[i]);
    else if (part !== pathParts[i]) return null;
  }
  return params;
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string; state?: unknown };

/** A real <a href> (so open-in-new-tab works) that navigates in place on a plain click. */
export function Link({ to, state, onClick, ...rest }: LinkProps) {
  function handleClick(event: MouseEvent<HTMLAnchorElement>) {
    onClick?.(event);
    const modified = event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button !== 0;
    if (event.defaultPrevented || modified || rest.target) return;
    event.preventDefault();
    navigate(to, { state });
  }
  return <a href={to} onClick={handleClick} {...rest} />;
}
