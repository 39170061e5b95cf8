import { useEffect, useState } from 'react';
import * as api from '../api/endpoints';
import type { EmailDelivery, PasswordReset } from '../api/types';

const POLL_INTERVAL_MS = 1000;
const POLL_DEADLINE_MS = 60_000;

export type DeliveryView = { delivery: EmailDelivery; lastError: string | null; timedOut: boolean };

/**
 * Follows a completed reset's email from queued to sent or failed. Gives up
 * after a deadline: a retried SMTP failure can take far longer, and the
 * user's page shows the final state.
 */
export function useEmailDelivery(completed: PasswordReset | null): DeliveryView | null {
  const [view, setView] = useState<DeliveryView | null>(null);

  useEffect(() => {
    if (!completed?.sendEmail) {
      setView(null);
      return;
    }
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = Date.now() + POLL_DEADLINE_MS;
    const show = (reset: PasswordReset, timedOut: boolean) =>
      setView({ delivery: reset.email.delivery, lastError: reset.email.lastError, timedOut });

    const isFinal = (delivery: EmailDelivery) => delivery === 'sent' || delivery === 'failed';

    async function poll(latest: PasswordReset) {
      show(latest, false);
      if (isFinal(latest.email.delivery)) return;
      if (Date.now() >= deadline) {
        show(latest, true);
        return;
      }
      timer = setTimeout(async () => {
        if (stopped) return;
        const next = await api.fetchPasswordReset(latest.userId, latest.id).catch(() => latest);
        if (!stopped) void poll(next);
      }, POLL_INTERVAL_MS);
    }

    void poll(completed);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [completed]);

  return view;
}
