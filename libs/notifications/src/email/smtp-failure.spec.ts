import { createServer, Server, Socket } from 'node:net';
import { AddressInfo } from 'node:net';
import { createTransport } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { classifySmtpFailure } from './smtp-failure';

/** A real SMTP server that refuses every message with `code`. */
async function refusingServer(code: number, message: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => callback(Object.assign(new Error(message), { responseCode: code })));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Accepts connections and never says a word: the hung server a timeout must catch. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      sockets.forEach((s) => s.destroy());
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function sendError(options: object): Promise<unknown> {
  const transport = createTransport(options);
  try {
    await transport.sendMail({ from: 'a@example.org', to: 'b@example.org', subject: 's', text: 't' });
  } catch (error) {
    return error;
  } finally {
    transport.close();
  }
  throw new Error('the send did not fail');
}

describe('SMTP failure classification', () => {
  it('treats a 550 reply as permanent, with the server reply as the reason', async () => {
    const server = await refusingServer(550, 'Mailbox unavailable');
    try {
      expect(classifySmtpFailure(await sendError({ url: server.url }))).toEqual({ permanent: true, reason: '550 Mailbox unavailable' });
    } finally {
      await server.close();
    }
  });

  it('treats a 421 reply as temporary', async () => {
    const server = await refusingServer(421, 'Try again later');
    try {
      expect(classifySmtpFailure(await sendError({ url: server.url }))).toEqual({ permanent: false, reason: '421 Try again later' });
    } finally {
      await server.close();
    }
  });

  it('treats a refused connection as temporary', async () => {
    const error = await sendError({ url: `smtp://127.0.0.1:${await freePort()}` });
    expect(classifySmtpFailure(error)).toEqual({ permanent: false, reason: 'Connection refused by the mail server' });
  });

  it('treats a server that never greets as a temporary timeout', async () => {
    const server = await silentServer();
    try {
      const error = await sendError({ host: '127.0.0.1', port: server.port, greetingTimeout: 200, connectionTimeout: 1000 });
      expect(classifySmtpFailure(error)).toEqual({ permanent: false, reason: 'Mail server greeting timed out' });
    } finally {
      await server.close();
    }
  });

  it.each([
    [{ responseCode: 451, response: '451 4.3.0 Temporary local problem' }, false, '451 Temporary local problem'],
    [{ responseCode: 452, response: '452 Insufficient system storage' }, false, '452 Insufficient system storage'],
    [{ responseCode: 503, response: '503 Bad sequence of commands' }, false, '503 Bad sequence of commands'],
    [{ responseCode: 554, response: '554 5.7.1 Relay access denied\r\nmore' }, true, '554 Relay access denied'],
    [{ responseCode: 535, code: 'EAUTH', response: '535 Authentication failed' }, true, '535 Authentication failed'],
    [{ responseCode: 550 }, true, '550 Refused by the mail server'],
    [{ code: 'ETIMEDOUT', timeoutType: 'SOCKET_TIMEOUT' }, false, 'Mail server stopped responding'],
    [{ code: 'ETIMEDOUT', timeoutType: 'CONNECT_TIMEOUT' }, false, 'Connection to the mail server timed out'],
    [{ code: 'ESOCKET', originalCode: 'ECONNRESET' }, false, 'Connection to the mail server was reset'],
    [{ code: 'ECONNECTION' }, false, 'Connection to the mail server was closed'],
    [{ code: 'EENVELOPE' }, true, 'The recipient address was refused'],
    [new Error('Send mail timed out after 30000ms'), false, 'Mail server timed out'],
    [new Error('something odd at /srv/app/x.js:1'), false, 'Unexpected error while sending'],
    ['a string', false, 'Unexpected error while sending'],
  ])('classifies %j', (error, permanent, reason) => {
    expect(classifySmtpFailure(error)).toEqual({ permanent, reason });
  });

  it('keeps a long server reply short', () => {
    const { reason } = classifySmtpFailure({ responseCode: 550, response: `550 ${'x'.repeat(1000)}` });
    expect(reason.length).toBeLessThanOrEqual(200);
  });
});
