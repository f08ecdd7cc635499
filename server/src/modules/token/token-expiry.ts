import { badUserInput } from "../../errors/lapse-error";

/** The furthest ahead an `expiresAt` may lie: two calendar years from now. */
export function latestExpiry(now: Date): Date {
  const latest = new Date(now.getTime());
  latest.setUTCFullYear(latest.getUTCFullYear() + 2);
  return latest;
}

/** Throws BAD_USER_INPUT, giving the bounds, unless `expiresAt` is null or lies in (now, now + 2 years]. */
export function assertExpiryInRange(now: Date, expiresAt: Date | null | undefined): void {
  if (expiresAt == null) return;
  const latest = latestExpiry(now);
  const at = expiresAt.getTime();
  // NaN (an instant no calendar holds) fails every comparison, so it is refused by name.
  if (Number.isNaN(at) || at <= now.getTime() || at > latest.getTime()) {
    throw badUserInput(
      `expiresAt must lie after now (${now.toISOString()}) and no later than ${latest.toISOString()} ` +
        `(two years ahead); got ${Number.isNaN(at) ? "an invalid date" : expiresAt.toISOString()}. Leave it out for a token that never expires.`,
    );
  }
}

/** Parses "30d", "12h", "45m" or "90s" into milliseconds (for the CLI). */
export function parseDuration(text: string): number {
  const match = /^(\d{1,6})([dhms])$/.exec(text.trim());
  if (!match) throw badUserInput(`"${text}" is not a duration; write e.g. 30d, 12h, 45m or 90s.`);
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 }[
    match[2] as "d" | "h" | "m" | "s"
  ];
  return Number(match[1]) * unit;
}
