/** The source of "now" for every expiry decision; injected so tests can move time to the millisecond. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
