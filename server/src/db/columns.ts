import { Column, PrimaryColumn, type ColumnOptions } from "typeorm";

/**
 * Column helpers that pin one physical type on both stores, so MySQL and SQLite read back the same
 * values: millisecond datetimes in UTC and binary-collated strings.
 */
export const IdColumn = () => PrimaryColumn({ type: "varchar", length: 36 });

export const RefColumn = (name: string, options: Pick<ColumnOptions, "nullable"> = {}) =>
  Column({ name, type: "varchar", length: 36, nullable: options.nullable ?? false });

export const TimeColumn = (name: string, options: Pick<ColumnOptions, "nullable"> = {}) =>
  Column({ name, type: "datetime", precision: 3, nullable: options.nullable ?? false });

/** Set by services from the injected clock, never by a database default. */
export const CreatedAtColumn = () => TimeColumn("created_at");
