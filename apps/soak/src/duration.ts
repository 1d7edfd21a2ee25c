const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Parses `1500ms`, `60s`, `5m`, `1h` (or a bare number of seconds) into milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration (e.g. 90s, 5m, 1500ms)`);
  const unit = match[2] ?? 's';
  return Math.round(Number(match[1]) * (UNITS[unit] ?? 1_000));
}

/** 65_000 → "1m05s"; 1_500 → "1.5s": short and readable in a summary. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${Number((ms / 1_000).toFixed(1))}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1_000);
  return `${minutes}m${String(seconds).padStart(2, '0')}s`;
}
