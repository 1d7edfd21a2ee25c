/** Where a command's results go: a table for people, JSON (`--json`) for scripts. */
export interface Output {
  json: boolean;
  /** Prints `value` as JSON, or calls `human` to print it for people. */
  result(value: unknown, human: () => void): void;
  line(text?: string): void;
  table(rows: Record<string, unknown>[], columns?: string[]): void;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Renders rows as an aligned text table with a header line. */
export function formatTable(rows: Record<string, unknown>[], columns?: string[]): string {
  const keys = columns ?? [...new Set(rows.flatMap((row) => Object.keys(row)))];
  if (rows.length === 0) return '(none)';
  const cells = rows.map((row) => keys.map((key) => cell(row[key])));
  const widths = keys.map((key, i) => Math.max(key.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const render = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [render(keys), render(widths.map((w) => '-'.repeat(w))), ...cells.map(render)].join('\n');
}

export function createOutput(json: boolean, write: (text: string) => void = (t) => process.stdout.write(t)): Output {
  return {
    json,
    result(value, human) {
      if (json) write(`${JSON.stringify(value, null, 2)}\n`);
      else human();
    },
    line(text = '') {
      write(`${text}\n`);
    },
    table(rows, columns) {
      write(`${formatTable(rows, columns)}\n`);
    },
  };
}
