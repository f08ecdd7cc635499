/** The source of "now" for every expiry decision; injected so tests can move time to the millisecond. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A day in milliseconds, for lifetimes counted in days. */
export const DAY_MS = 86_400_000;
