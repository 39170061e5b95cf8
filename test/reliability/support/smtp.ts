import { SMTPServer, SMTPServerSession } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { AddressInfo } from 'node:net';

export interface Mail {
  acceptedAt: number;
  raw: string;
  to: string[];
  messageId: string | undefined;
  subject: string | undefined;
  text: string;
}

export interface Held {
  sessionId: string;
  /** The client's port: which process is sending. */
  remotePort: number;
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
  private holding: ((to: string[]) => boolean) | null = null;
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

  /** From now on, messages (to a recipient `which` selects) wait at the end of DATA until `release`. */
  hold(which: (to: string[]) => boolean = () => true): void {
    this.holding = which;
  }

  /** Waits for a held message to `address` (any held message without one). */
  async waitForHeld(address?: string, timeoutMs = 20000): Promise<Held> {
    const find = () => this.held.find((h) => !address || h.to.includes(address));
    await poll(() => !!find(), timeoutMs, `a held SMTP message${address ? ` to ${address}` : ''}`);
    return find()!;
  }

  /** True once the client of a held message has gone away. */
  isClosed(sessionId: string): boolean {
    return this.closedSessions.has(sessionId);
  }

  /** Answers one held message: 250 and recorded, or nothing if its client is gone. */
  releaseOne(message: Held): void {
    const index = this.held.indexOf(message);
    if (index >= 0) this.held.splice(index, 1);
    message.settle(true);
  }

  /** Answers every held message and stops holding. */
  release(): void {
    this.holding = null;
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
                this.messages.push({ acceptedAt: Date.now(), raw, to, messageId: parsed.messageId, subject: parsed.subject, text: parsed.text ?? '' });
                callback();
              })
              .catch((error: Error) => callback(error));
          };
          if (this.holding?.(to)) this.held.push({ sessionId: session.id, remotePort: session.remotePort, raw, to, settle });
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
