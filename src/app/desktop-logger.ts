// The desktop's logger (pino), the same for both shells: field names that could carry a secret
// are masked wherever they appear in a log line. Each shell chooses only where the lines go.
import pino, { type DestinationStream, type Logger } from 'pino';

export const DESKTOP_LOG_REDACT = ['*.token', '*.accessToken', '*.refreshToken', '*.idToken', '*.secret', '*.password', 'headers.authorization'];

export function createDesktopLogger(service: string, destination: DestinationStream): Logger {
  return pino({ base: { service }, redact: { paths: DESKTOP_LOG_REDACT, censor: '[REDACTED]' } }, destination);
}
