import pino, { type Logger } from 'pino';

// Paths whose last segment is a secret token (personal links in mail); it never reaches a log.
const SECRET_PATH = /^(\/(?:alerts\/ack|invite|reset|checks\/answer)\/)[^/?#]+/;

/** Returns a request URL with any secret token in its path replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PATH, '$1[redacted]');
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remoteAddress?: string };
}

/**
 * Creates the process logger. Credentials, cookies and passwords are redacted wherever they
 * appear, and tokens in personal-link URLs are cut from logged requests.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.token',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (request: LoggedRequest) => ({
        method: request.method,
        url: redactUrl(request.url ?? ''),
        host: request.host,
        remoteAddress: request.ip ?? request.socket?.remoteAddress,
      }),
    },
  });
}
