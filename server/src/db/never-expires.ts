import type { ValueTransformer } from "typeorm";

/**
 * A token that never expires is stored with this instant (the largest DATETIME MySQL holds) rather than
 * NULL: NULLs sort first on both stores, and a sentinel lets one (scope, expires_at, id) index serve
 * the "expiring soonest, never-expiring last" order, keyset cursors and every expiry range filter.
 */
export const NEVER_EXPIRES = new Date("9999-12-31T23:59:59.999Z");

export const expiresAtTransformer: ValueTransformer = {
  to: (value: Date | null | undefined) => (value == null ? NEVER_EXPIRES : value),
  from: (value: Date | string | null) => {
    if (value == null) return null;
    const date = value instanceof Date ? value : new Date(value);
    return date.getTime() === NEVER_EXPIRES.getTime() ? null : date;
  },
};
