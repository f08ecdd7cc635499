import type { Clock } from "../src/clock";

/** A clock tests move by hand, so expiry is tested to the millisecond without sleeping. */
export class ManualClock implements Clock {
  private current: number;

  constructor(private readonly start: Date | string = "2026-11-26T12:00:00.000Z") {
    this.current = new Date(start).getTime();
  }

  reset(): void {
    this.current = new Date(this.start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(instant: Date | string): void {
    this.current = new Date(instant).getTime();
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
