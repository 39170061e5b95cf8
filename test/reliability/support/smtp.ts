import { SMTPServer, SMTPServerSession } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { AddressInfo } from 'node:net';

export interface Mail {
  raw: string;
  to: string[];
  messageId: string | undefined;
  subject: string | undefined;
  text: string;
}

interface Held {
  sessionId: string;
  raw: string;
  to: string[];
  settle: (accept: boolean) => void;
}

/**
 * A real SMTP server in the test process that the tests can steer: refuse the next messages with a
 * reply code, hold messages at the end of DATA (the client waits for the reply) until released, or go
 * away entirely and come back on the same port.
 */
export class ControlledSmtp {
  readonly messages: Mail[] = [];
  /** Messages whose client went away while they were held: never acknowledged, never recorded. */
  dropped = 0;
  refused = 0;
  port = 0;
  private server?: SMTPServer;
  private failures = { remaining: 0, code: 0 };
  private holding = false;
  private readonly held: Held[] = [];
  private readonly closedSessions = new Set<string>();

  static async start(): Promise<ControlledSmtp> {
    const sink = new ControlledSmtp();
    await sink.listen();
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  failNext(count: number, code = 421): void {
    this.failures = { remaining: count, code };
  }

  /** From now on, messages wait at the end of DATA until `release`. */
  hold(): void {
    this.holding = true;
  }

  heldCount(): number {
    return this.held.length;
  }

  async waitForHeld(count: number, timeoutMs = 20000): Promise<void> {
    await poll(() => this.held.length >= count, timeoutMs, `${count} held SMTP message(s)`);
  }

  /** Answers the held messages (250, or nothing if their client is gone) and stops holding. */
  release(): void {
    this.holding = false;
    for (const message of this.held.splice(0)) message.settle(true);
  }

  async waitForMessages(count: number, timeoutMs = 20000): Promise<Mail[]> {
    await poll(() => this.messages.length >= count, timeoutMs, `${count} email(s), have ${this.messages.length}`);
    return this.messages;
  }

  byMessageId(): Map<string, Mail[]> {
    const map = new Map<string, Mail[]>();
    for (const mail of this.messages) map.set(mail.messageId ?? '', [...(map.get(mail.messageId ?? '') ?? []), mail]);
    return map;
  }

  /** The server goes away: connections are refused until `listen` is called again (same port). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const message of this.held.splice(0)) message.settle(false);
    await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
  }

  async listen(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      closeTimeout: 100,
      onClose: (session) => {
        this.closedSessions.add(session.id);
      },
      onData: (stream, session: SMTPServerSession, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (this.failures.remaining > 0) {
            this.failures.remaining -= 1;
            this.refused += 1;
            return callback(Object.assign(new Error('Try again later'), { responseCode: this.failures.code }));
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          const to = session.envelope.rcptTo.map((r) => r.address);
          const settle = (accept: boolean) => {
            if (!accept || this.closedSessions.has(session.id)) {
              this.dropped += 1;
              return callback(Object.assign(new Error('Aborted'), { responseCode: 451 }));
            }
            simpleParser(raw)
              .then((parsed) => {
                this.messages.push({ raw, to, messageId: parsed.messageId, subject: parsed.subject, text: parsed.text ?? '' });
                callback();
              })
              .catch((error: Error) => callback(error));
          };
          if (this.holding) this.held.push({ sessionId: session.id, raw, to, settle });
          else settle(true);
        });
      },
    });
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        this.port = (server.server.address() as AddressInfo).port;
        resolveListen();
      });
    });
    this.server = server;
  }
}

export async function poll(probe: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
