import { useEffect, useRef } from 'react';
import { useI18n } from '../i18n/i18n';

/**
 * The page's h1. It takes focus when the page opens so screen readers announce
 * the new page after a client-side navigation, as they would after a full load.
 */
export function PageTitle({ children }: { children: string }) {
  const { t } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    heading.current?.focus({ preventScroll: true });
  }, []);

  useEffect(() => {
    document.title = `${children} · ${t('app.name')}`;
  }, [children, t]);

  return (
    <h1 ref={heading} tabIndex={-1} className="page-title">
      {children}
    </h1>
  );
}
