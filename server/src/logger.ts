import pino, { type DestinationStream, type Logger } from "pino";

export type { Logger };

/**
 * Structured JSON logs. The Authorization header and anything named like a secret are redacted as a
 * second line of defence: code must never pass a secret to the logger in the first place.
 */
export function createLogger(
  options: { level?: string; destination?: DestinationStream } = {},
): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? "info",
      redact: {
        paths: [
          "req.headers.authorization",
          "headers.authorization",
          "authorization",
          "secret",
          "*.secret",
          "cookie",
        ],
        censor: "[redacted]",
      },
    },
    options.destination,
  );
}
