import { SMTPServer, SMTPServerSession } from 'smtp-server';
import { simpleParser, ParsedMail } from 'mailparser';
import { AddressInfo } from 'node:net';

export interface ReceivedMail {
  raw: string;
  parsed: ParsedMail;
  to: string[];
  messageId: string | undefined;
}

/**
 * A real SMTP server in the test process. It can be told to refuse the next messages with a given reply
 * (421 for a temporary failure, 550 for a permanent one) to exercise retries.
 */
export class SmtpSink {
  readonly messages: ReceivedMail[] = [];
  private failures: { remaining: number; code: number; message: string } = { remaining: 0, code: 0, message: '' };
  private server!: SMTPServer;
  port = 0;

  static async start(): Promise<SmtpSink> {
    const sink = new SmtpSink();
    await sink.listen();
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The next `count` messages are refused with `code` at the end of DATA. */
  failNext(count: number, code: number, message = code >= 500 ? 'Mailbox unavailable' : 'Try again later'): void {
    this.failures = { remaining: count, code, message };
  }

  async waitForMessages(count: number, timeoutMs = 15000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < count) {
      if (Date.now() > deadline) throw new Error(`Expected ${count} emails, got ${this.messages.length} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return this.messages;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private listen(): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session: SMTPServerSession, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (this.failures.remaining > 0) {
            this.failures.remaining -= 1;
            const error = Object.assign(new Error(this.failures.message), { responseCode: this.failures.code });
            return callback(error);
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw)
            .then((parsed) => {
              this.messages.push({ raw, parsed, to: session.envelope.rcptTo.map((r) => r.address), messageId: parsed.messageId });
              callback();
            })
            .catch(callback);
        });
      },
    });
    return new Promise((resolve) => {
      this.server.listen(0, '127.0.0.1', () => {
        this.port = (this.server.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }
}
