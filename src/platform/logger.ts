import { type Logger, pino } from 'pino';

export type { Logger };

/** Creates the process logger. Secrets are redacted wherever they could appear. */
export function createLogger(options: { level: string; name?: string }): Logger {
  return pino({
    name: options.name ?? 'coexist',
    level: options.level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-hub-signature-256"]',
        'headers.authorization',
        'password',
        '*.password',
        'token',
        '*.token',
        'secret',
        '*.secret',
        'accessToken',
        '*.accessToken',
      ],
      censor: '[redacted]',
    },
  });
}
