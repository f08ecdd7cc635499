import type { Response } from "express";

/**
 * One CSV field per RFC 4180 (quoted when it holds a quote, comma or line break; quotes doubled),
 * with a cell that a spreadsheet would run as a formula (leading =, +, -, @, tab or carriage return)
 * prefixed by an apostrophe so it is shown as text.
 */
export function csvCell(value: string | null | undefined): string {
  let text = value ?? "";
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record, CRLF-terminated as RFC 4180 asks. */
export function csvRow(values: (string | null | undefined)[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

/**
 * Streams a CSV download: the header row, then every row `rows` yields, as they come, so an export
 * of any size holds one page in memory.
 */
export async function streamCsv(
  res: Response,
  filename: string,
  columns: string[],
  rows: AsyncIterable<(string | null | undefined)[]>,
): Promise<void> {
  res.setHeader("Content-Type", "text/csv; charset=utf-8");
  res.setHeader("Content-Disposition", `attachment; filename="${filename}"`);
  res.write(csvRow(columns));
  for await (const row of rows) res.write(csvRow(row));
  res.end();
}
