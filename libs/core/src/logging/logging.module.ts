import { LoggerModule } from 'nestjs-pino';
import { RequestContext } from '../context/request-context';

/** Everything that could carry a secret, wherever it appears in a log record. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
  '*.iqamaNumber',
  '*.iqama',
];

export function loggingModule(level: string) {
  return LoggerModule.forRoot({
    pinoHttp: {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      customProps: () => ({ actorId: RequestContext.current()?.actor?.id }),
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url?.split('?')[0] }),
      },
      autoLogging: { ignore: (req) => req.url === '/api/health' },
    },
  });
}
