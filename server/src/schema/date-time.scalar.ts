import { GraphQLScalarType, Kind } from "graphql";
import { badUserInput } from "../errors/lapse-error";

// Both stores hold DATETIME values from year 1 to 9999; anything outside is refused before it reaches SQL.
const EARLIEST = Date.parse("0001-01-01T00:00:00.000Z");
const LATEST = Date.parse("9999-12-31T23:59:59.999Z");

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/** Parses an RFC 3339 instant with an explicit offset; anything else is BAD_USER_INPUT. */
export function parseDateTime(value: unknown): Date {
  const text = typeof value === "string" ? value : "";
  const match = RFC3339.exec(text);
  const date = new Date(text);
  // The round trip catches dates JavaScript would roll over, such as February 30th.
  const calendarValid =
    match !== null &&
    !Number.isNaN(date.getTime()) &&
    new Date(`${match[1]}-${match[2]}-${match[3]}T00:00:00Z`).toISOString().slice(0, 10) ===
      `${match[1]}-${match[2]}-${match[3]}` &&
    Number(match[4]) < 24 &&
    Number(match[5]) < 60 &&
    Number(match[6]) < 60 &&
    date.getTime() >= EARLIEST &&
    date.getTime() <= LATEST;
  if (!calendarValid) {
    const shown = typeof value === "string" ? JSON.stringify(value.slice(0, 64)) : typeof value;
    throw badUserInput(
      `DateTime must be an RFC 3339 instant with a time zone between the years 0001 and 9999 (UTC), ` +
        `such as 2027-01-31T17:00:00Z; got ${shown}.`,
    );
  }
  return date;
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: "DateTime",
  description:
    "An instant in RFC 3339 form with a time zone, e.g. 2027-01-31T17:00:00.000Z. Sent in UTC.",
  serialize(value) {
    if (value instanceof Date) return value.toISOString();
    throw new TypeError("DateTime can only serialize Date values");
  },
  parseValue: parseDateTime,
  parseLiteral(ast) {
    return parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined);
  },
});
