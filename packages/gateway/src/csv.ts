/**
 * CSV as spreadsheets write and read it (RFC 4180): what the requests export writes and the
 * hotline import reads. Kept apart from both, with no dependency, so each uses the same rules.
 */

/**
 * One cell: quoted when it holds a comma, a quote or a line break. Text a spreadsheet would take
 * for a formula (`=`, `+`, `-`, `@`, a tab or a carriage return first: a resident's title is
 * anyone's text) is written with an apostrophe before it, so it stays text; a number (a balance
 * of -30 minutes) is written as it is, so it stays a number.
 */
export function csvCell(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A line of cells, ended by CRLF. */
export function csvLine(cells: readonly (string | number)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** A CSV file that cannot be read, with the line (1-based) where it went wrong. */
export class CsvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/**
 * The rows of a CSV text: a byte order mark skipped, CRLF or LF line ends, quoted cells with
 * commas, doubled quotes and line breaks, empty lines left out. An unclosed quote is a
 * {@link CsvError} naming the line it opened on.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let quoteLine = 0;
  const endRow = () => {
    row.push(cell);
    if (row.length > 1 || row[0] !== '') rows.push(row);
    row = [];
    cell = '';
  };
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"' && cell === '') {
      quoted = true;
      quoteLine = line;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      if (c === '\r') i++;
      endRow();
      line++;
    } else cell += c;
  }
  if (quoted) throw new CsvError(quoteLine, 'a quoted cell is not closed (a " is missing)');
  if (cell !== '' || row.length) endRow();
  return rows;
}
