import type { Request } from "express";
import { badUserInput } from "../errors/lapse-error";
import { parseDateTime } from "../schema/date-time.scalar";

/**
 * Readers for a REST query string with the API's rules: each parameter at most once, lists
 * comma-separated from a fixed set, instants in RFC 3339, flags as "true". Bad values are 400.
 */
export function queryParams(req: Request) {
  const one = (name: string): string | undefined => {
    const value = req.query[name];
    if (value === undefined) return undefined;
    if (typeof value !== "string") throw badUserInput(`${name} must be given once.`);
    return value;
  };
  return {
    one,
    list<T extends string>(name: string, allowed: Record<string, T>): T[] | undefined {
      return one(name)
        ?.split(",")
        .filter(Boolean)
        .map((value) => {
          if (!(value in allowed)) {
            throw badUserInput(
              `${name}: "${value.slice(0, 40)}" is not one of ${Object.keys(allowed).join(", ")}.`,
            );
          }
          return value as T;
        });
    },
    time(name: string): Date | undefined {
      const value = one(name);
      return value === undefined ? undefined : parseDateTime(value);
    },
    flag(name: string): boolean | undefined {
      const value = one(name);
      return value === undefined ? undefined : value === "true";
    },
  };
}
