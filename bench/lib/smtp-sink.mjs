import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { ROOT } from './paths.mjs';

const require = createRequire(`${ROOT}/package.json`);
const { SMTPServer } = require('smtp-server');

/**
 * A real SMTP server in the bench process, like test/support/smtp-sink.ts, but it only reads the headers it
 * needs (Message-ID, To) instead of parsing whole messages, so the sink costs the shared CPU little.
 */
export async function startSmtpSink() {
  const messages = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 1024 * 1024,
    onData(stream, session, callback) {
      const chunks = [];
      stream.on('data', (chunk) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const headerEnd = raw.indexOf('\r\n\r\n');
        const headers = (headerEnd >= 0 ? raw.slice(0, headerEnd) : raw).replace(/\r\n[ \t]+/g, ' ');
        const messageId = /^message-id:\s*(.+)$/im.exec(headers)?.[1]?.trim();
        messages.push({ at: performance.now(), messageId, to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()) });
        callback();
      });
    },
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address();
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}
