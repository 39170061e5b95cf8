import { useEffect, useId, useRef, type ReactNode, type RefObject } from 'react';
import { createPortal } from 'react-dom';

interface DialogProps {
  title: string;
  /** Escape does what the dialog's own dismiss button does (No, Close…). */
  onDismiss(): void;
  children: ReactNode;
  testId: string;
  /** Where focus goes back when the dialog closes; defaults to what had focus when it opened. */
  returnFocusTo?: HTMLElement | null;
  /** The element to focus first; defaults to the first focusable one. */
  initialFocus?: RefObject<HTMLElement | null>;
  describedBy?: string;
  role?: 'dialog' | 'alertdialog';
}

const FOCUSABLE = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  '[tabindex]:not([tabindex="-1"])',
].join(',');

function focusableIn(container: HTMLElement): HTMLElement[] {
  // Hidden tips and collapsed parts hold links too: only what is rendered visibly can take focus.
  return [...container.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (element) => element.checkVisibility({ visibilityProperty: true }) || element === document.activeElement,
  );
}

/**
 * A modal dialog: rendered outside the app root, which becomes inert while it
 * is open, so neither the mouse, Tab nor a screen reader can reach the page
 * behind it. Focus moves in, is kept in, and returns to the opener.
 */
export function Dialog({ title, onDismiss, children, testId, returnFocusTo, initialFocus, describedBy, role = 'dialog' }: DialogProps) {
  const titleId = useId();
  const panel = useRef<HTMLDivElement>(null);
  const dismiss = useRef(onDismiss);
  dismiss.current = onDismiss;

  useEffect(() => {
    const opener = returnFocusTo ?? (document.activeElement as HTMLElement | null);
    const appRoot = document.getElementById('root');
    appRoot?.setAttribute('inert', '');
    const first = initialFocus?.current ?? (panel.current ? focusableIn(panel.current)[0] : null);
    (first ?? panel.current)?.focus();

    return () => {
      appRoot?.removeAttribute('inert');
      // The opener may be gone (the row re-rendered); then focus falls back to the page.
      if (opener?.isConnected) opener.focus();
    };
    // Runs once per opening: the opener and first focus belong to that moment.
  }, []);

  function handleKeyDown(event: React.KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Escape') {
      event.stopPropagation();
      event.preventDefault();
      dismiss.current();
      return;
    }
    if (event.key !== 'Tab' || !panel.current) return;
    const focusable = focusableIn(panel.current);
    if (focusable.length === 0) {
      event.preventDefault();
      return;
    }
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    const active = document.activeElement;
    if (event.shiftKey && (active === first || !panel.current.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !panel.current.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  }

  return createPortal(
    <div className="dialog-backdrop">
      <div
        ref={panel}
        role={role}
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={describedBy}
        className="dialog"
        tabIndex={-1}
        onKeyDown={handleKeyDown}
        data-testid={testId}
      >
        <h2 id={titleId} className="dialog-title">
          {title}
        </h2>
        {children}
      </div>
    </div>,
    document.body,
  );
}
