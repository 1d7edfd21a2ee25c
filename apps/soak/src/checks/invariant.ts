/** One checked invariant: what was checked, how many things violate it, and a readable detail. */
export interface Invariant {
  name: string;
  ok: boolean;
  /** How many violations (0 when ok); for a purely informative line, what was counted. */
  count: number;
  detail: string;
  /** Reported, never failing (e.g. duplicates, which at-least-once allows). */
  informative?: boolean;
}

export const invariant = (name: string, violations: number, detail: string): Invariant => ({
  name,
  ok: violations === 0,
  count: violations,
  detail,
});

/** A few examples of what went wrong, so a failure can be looked up in the database. */
export function sample(items: readonly (string | number)[], max = 5): string {
  if (items.length === 0) return '';
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? ` (e.g. ${shown}, …)` : ` (${shown})`;
}
