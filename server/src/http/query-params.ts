import type { Request } from "express";
import { badUserInput } from "../errors/lapse-error";
import { parseDateTime } from "../schema/date-time.scalar";
import { isEnumValue } from "./enum-value";

/** `value` as a member of the enum `allowed`; 400 naming the parameter and the choices if not. */
function member<T extends string>(name: string, value: string, allowed: Record<string, T>): T {
  if (isEnumValue(allowed, value)) return value;
  throw badUserInput(
    `${name}: "${value.slice(0, 40)}" is not one of ${Object.values(allowed).join(", ")}.`,
  );
}

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
        .map((value) => member(name, value, allowed));
    },
    /** One value of a string enum, or undefined when the parameter is absent. */
    oneOf<T extends string>(name: string, allowed: Record<string, T>): T | undefined {
      const value = one(name);
      return value === undefined ? undefined : member(name, value, allowed);
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
