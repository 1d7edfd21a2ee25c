import type { Invariant } from './invariant.js';

/** The invariants as a table: verdict, count, name, detail. */
export function formatInvariants(invariants: readonly Invariant[]): string[] {
  return invariants.map((i) => {
    const verdict = i.informative ? 'INFO' : i.ok ? 'PASS' : 'FAIL';
    return `${verdict}  ${String(i.count).padStart(6)}  ${i.name}: ${i.detail}`;
  });
}

export const allHold = (invariants: readonly Invariant[]) => invariants.every((i) => i.ok);
