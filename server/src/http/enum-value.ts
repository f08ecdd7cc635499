/**
 * Whether `value` is one of a string enum's values. Never `value in enumObject`: that is true of
 * every property an object inherits (`constructor`, `toString`, `__proto__`), so such a value would
 * pass as a member and reach the query, or the error path, as one.
 */
export function isEnumValue<T extends string>(
  enumObject: Record<string, T>,
  value: string,
): value is T {
  return (Object.values(enumObject) as string[]).includes(value);
}
