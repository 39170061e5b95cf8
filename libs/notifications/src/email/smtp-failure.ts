/** How a failed SMTP send is treated: a temporary failure is retried with back-off, a permanent one ends the delivery. */
export interface SmtpFailure {
  permanent: boolean;
  /** A short reason for people (the status endpoint's lastError, the audit trail): no stack, no secret. */
  reason: string;
}

interface MailError {
  code?: unknown;
  originalCode?: unknown;
  responseCode?: unknown;
  response?: unknown;
  timeoutType?: unknown;
  message?: unknown;
}

const MAX_REASON = 200;

/** Connection-level problems: the message was not judged, so trying again later may well work. */
const TEMPORARY_SYSTEM_CODES: Record<string, string> = {
  ECONNREFUSED: 'Connection refused by the mail server',
  ECONNRESET: 'Connection to the mail server was reset',
  EHOSTUNREACH: 'Mail server unreachable',
  ENETUNREACH: 'Mail server unreachable',
  ENOTFOUND: 'Mail server host not found',
  EAI_AGAIN: 'Mail server host lookup failed',
  EPIPE: 'Connection to the mail server was lost',
};

const TEMPORARY_MAILER_CODES: Record<string, string> = {
  ETIMEDOUT: 'Mail server timed out',
  ECONNECTION: 'Connection to the mail server was closed',
  ESOCKET: 'Connection to the mail server failed',
  EDNS: 'Mail server host lookup failed',
  ETLS: 'TLS with the mail server failed',
  EPROTOCOL: 'Unexpected reply from the mail server',
};

/** Problems with the message or our own setup that resending the same message cannot fix. */
const PERMANENT_MAILER_CODES: Record<string, string> = {
  EENVELOPE: 'The recipient address was refused',
  EMESSAGE: 'The message was refused',
  EAUTH: 'The mail server refused our credentials',
  ENOAUTH: 'No credentials for the mail server',
  ECONFIG: 'The mail transport is misconfigured',
  EREQUIRETLS: 'The mail server cannot guarantee TLS',
};

const TIMEOUT_TYPES: Record<string, string> = {
  CONNECT_TIMEOUT: 'Connection to the mail server timed out',
  GREETING_TIMEOUT: 'Mail server greeting timed out',
  SOCKET_TIMEOUT: 'Mail server stopped responding',
};

/**
 * SMTP reply codes decide first (RFC 5321: 4yz transient, 5yz permanent; 503 only says the session was in
 * the wrong state, so it is retried). Without a reply, connection trouble and timeouts are temporary, a
 * refused envelope or bad credentials permanent, and anything unknown temporary: it is retried, and the
 * attempt limit still bounds it.
 */
export function classifySmtpFailure(error: unknown): SmtpFailure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as MailError;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  if (responseCode !== undefined && responseCode >= 400 && responseCode < 600) {
    return { permanent: responseCode >= 500 && responseCode !== 503, reason: replyReason(responseCode, e.response) };
  }
  const code = typeof e.code === 'string' ? e.code : undefined;
  const originalCode = typeof e.originalCode === 'string' ? e.originalCode : undefined;
  const systemCode = [originalCode, code].find((c): c is string => c !== undefined && c in TEMPORARY_SYSTEM_CODES);
  if (systemCode) return { permanent: false, reason: TEMPORARY_SYSTEM_CODES[systemCode] };
  if (code === 'ETIMEDOUT' && typeof e.timeoutType === 'string' && e.timeoutType in TIMEOUT_TYPES) {
    return { permanent: false, reason: TIMEOUT_TYPES[e.timeoutType] };
  }
  if (code && code in TEMPORARY_MAILER_CODES) return { permanent: false, reason: TEMPORARY_MAILER_CODES[code] };
  if (code && code in PERMANENT_MAILER_CODES) return { permanent: true, reason: PERMANENT_MAILER_CODES[code] };
  // The mailer's own overall limit (sendTimeout) rejects with a plain Error.
  if (typeof e.message === 'string' && /timed out/i.test(e.message)) return { permanent: false, reason: 'Mail server timed out' };
  return { permanent: false, reason: 'Unexpected error while sending' };
}

/** "550 Mailbox unavailable": the server's own words, first line only, without enhanced status codes or our message text. */
function replyReason(responseCode: number, response: unknown): string {
  const firstLine = typeof response === 'string' ? (response.split(/\r?\n/)[0] ?? '') : '';
  const text = firstLine
    .replace(/^\d{3}[ -]?/, '')
    .replace(/^\d\.\d{1,3}\.\d{1,3}\s+/, '')
    .trim();
  return truncate(text ? `${responseCode} ${text}` : `${responseCode} Refused by the mail server`);
}

function truncate(reason: string): string {
  return reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 1)}…` : reason;
}
