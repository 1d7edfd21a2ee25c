/** Progress lines on stderr while the bench runs (stdout keeps only the final table). */
export type Progress = (line: string) => void;

export function createProgress(write: (text: string) => void = (text) => process.stderr.write(text)): Progress {
  const started = Date.now();
  return (line) => write(`[${((Date.now() - started) / 1_000).toFixed(1).padStart(6)}s] ${line}\n`);
}
