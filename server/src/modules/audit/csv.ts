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
