import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from '../lib/http.mjs';
import { pool, reset } from '../lib/app.mjs';
import { round } from '../lib/stats.mjs';

/**
 * 4. Email throughput. `count` resets are made first (step 1, not timed here); then, from t0, every one is
 * completed with sendEmail and logoutSessions (`concurrency` requests in flight) and the clock stops when the SMTP
 * sink has accepted the last email. Afterwards the sink is watched a little longer for duplicates.
 */
export async function emailPhase({ server, sink, admins, targets, client, count, concurrency = 8, waitSeconds = 120, log }) {
  const made = await pool(count, 8, async (i) => {
    const admin = admins[i % admins.length];
    const response = await reset(server.base, admin.token, targets[i]);
    return { admin, userId: targets[i], resetId: response.body.id ?? response.body.resetId };
  });
  if (!made[0].resetId) throw new Error('reset response has no id');
  const { rows } = await client.query('select lower(email) as email from app_user where id = any($1::uuid[])', [targets.slice(0, count)]);
  const expected = new Set(rows.map((row) => row.email));
  log(`  ${count} resets made; completing them with sendEmail`);

  const before = sink.messages.length;
  const t0 = performance.now();
  await pool(count, concurrency, async (i) => {
    const { admin, userId, resetId } = made[i];
    await expect(200, server.base, 'POST', `/api/users/${userId}/password-resets/${resetId}/complete`, {
      token: admin.token,
      body: { sendEmail: true, logoutSessions: true },
    });
  });
  const completedMs = performance.now() - t0;
  log(`  ${count} completes answered in ${round(completedMs / 1000, 2)} s`);

  // Waits at most `waitSeconds` from t0 (the run has a time budget); what arrived by then is reported.
  while (sink.messages.length - before < count && performance.now() - t0 < waitSeconds * 1000) await sleep(50);
  const received = sink.messages.slice(before);
  const lastMs = received.length >= count ? received[count - 1].at - t0 : NaN;
  const within60s = received.filter((m) => m.at - t0 <= 60_000).length;
  // The steady delivery rate over the second half of what arrived, for a projection when not all did.
  const half = received.slice(Math.floor(received.length / 2));
  const perSecond = half.length > 1 ? ((half.length - 1) / (half.at(-1).at - half[0].at)) * 1000 : NaN;
  // Anything that would arrive twice would come within a few seconds (job retries are slower, see below).
  await sleep(5000);
  const all = sink.messages.slice(before);
  const ids = new Set(all.map((m) => m.messageId));
  const recipients = all.flatMap((m) => m.to);
  const distinctRecipients = new Set(recipients);
  const unexpected = recipients.filter((r) => !expected.has(r)).length;
  const { rows: statuses } = await client.query('select status, count(*)::int as n from email_delivery group by status order by status');
  log(`  accepted ${all.length} emails (${within60s} within 60 s, ${round(perSecond, 1)}/s steady), last at ${round(lastMs / 1000, 2)} s; distinct Message-IDs ${ids.size}, distinct recipients ${distinctRecipients.size}; deliveries ${statuses.map((s) => `${s.status} ${s.n}`).join(', ')}`);
  return {
    count,
    completedMs,
    lastMs,
    within60s,
    perSecond,
    waitSeconds,
    accepted: all.length,
    distinctMessageIds: ids.size,
    distinctRecipients: distinctRecipients.size,
    unexpectedRecipients: unexpected,
    deliveries: Object.fromEntries(statuses.map((s) => [s.status, s.n])),
  };
}
