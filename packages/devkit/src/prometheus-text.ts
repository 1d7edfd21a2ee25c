/**
 * A strict parser of the Prometheus text exposition format (0.0.4), for tests: every line
 * must be a HELP, a TYPE, a blank line or a well-formed sample, and every sample must
 * belong to a family announced by HELP and TYPE before it. Throws on the first bad line.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  types: Map<string, MetricType>;
  help: Map<string, string>;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL_NAME = '[a-zA-Z_][a-zA-Z0-9_]*';
const LABEL_VALUE = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
/** A Go float, as Prometheus parses it (strconv.ParseFloat: NaN and Inf in any case; prom-client writes `Nan`). */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HELP_LINE = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SAMPLE_LINE = new RegExp(
  `^(${NAME})(?:\\{((?:${LABEL_NAME}=${LABEL_VALUE})(?:,${LABEL_NAME}=${LABEL_VALUE})*,?)?\\})? (\\S+)(?: -?\\d+)?$`,
);
const LABEL_PAIR = new RegExp(`(${LABEL_NAME})=(${LABEL_VALUE})`, 'g');

export function parsePrometheusText(text: string): Exposition {
  const exposition: Exposition = { types: new Map(), help: new Map(), samples: [] };
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  for (const [index, line] of text.slice(0, -1).split('\n').entries()) {
    const where = `line ${index + 1}: ${JSON.stringify(line)}`;
    if (line === '') continue;
    const help = HELP_LINE.exec(line);
    if (help) {
      if (exposition.help.has(help[1] as string)) throw new Error(`duplicate HELP at ${where}`);
      exposition.help.set(help[1] as string, help[2] as string);
      continue;
    }
    const type = TYPE_LINE.exec(line);
    if (type) {
      if (exposition.types.has(type[1] as string)) throw new Error(`duplicate TYPE at ${where}`);
      exposition.types.set(type[1] as string, type[2] as MetricType);
      continue;
    }
    if (line.startsWith('#')) throw new Error(`unexpected comment at ${where}`);
    const sample = SAMPLE_LINE.exec(line);
    if (!sample) throw new Error(`malformed sample at ${where}`);
    const name = sample[1] as string;
    const family = familyOf(name, exposition.types);
    if (family === undefined) throw new Error(`sample without a TYPE line before it at ${where}`);
    if (!exposition.help.has(family)) throw new Error(`sample without a HELP line before it at ${where}`);
    const labels: Record<string, string> = {};
    for (const [, key, quoted] of (sample[2] ?? '').matchAll(LABEL_PAIR)) {
      if ((key as string) in labels) throw new Error(`duplicate label ${key} at ${where}`);
      labels[key as string] = unescapeLabelValue((quoted as string).slice(1, -1));
    }
    const value = parseValue(sample[3] as string);
    if (value === undefined) throw new Error(`malformed value at ${where}`);
    exposition.samples.push({ name, labels, value });
  }
  checkHistograms(exposition);
  return exposition;
}

/** The value of the one sample named `name` whose labels include `labels`; throws if not exactly one. */
export function sampleValue(exposition: Exposition, name: string, labels: Record<string, string> = {}): number {
  const found = exposition.samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value),
  );
  if (found.length !== 1)
    throw new Error(`expected one sample ${name}${JSON.stringify(labels)}, found ${found.length}`);
  return (found[0] as Sample).value;
}

/** The family a sample belongs to: itself, or a histogram/summary whose suffix it carries. */
function familyOf(name: string, types: Map<string, MetricType>): string | undefined {
  if (types.has(name)) return name;
  const match = /^(.*)_(bucket|sum|count)$/.exec(name);
  if (!match) return undefined;
  const base = match[1] as string;
  const type = types.get(base);
  if (type === 'histogram' || (type === 'summary' && match[2] !== 'bucket')) return base;
  return undefined;
}

/** Buckets are cumulative, end with +Inf, and +Inf equals _count, for every label set. */
function checkHistograms(exposition: Exposition): void {
  for (const [family, type] of exposition.types) {
    if (type !== 'histogram') continue;
    const series = new Map<string, Sample[]>();
    for (const sample of exposition.samples.filter((s) => s.name === `${family}_bucket`)) {
      const { le, ...rest } = sample.labels;
      if (le === undefined) throw new Error(`${family}_bucket without le`);
      const key = labelKey(rest);
      series.set(key, [...(series.get(key) ?? []), sample]);
    }
    for (const [key, buckets] of series) {
      const values = buckets.map((b) => b.value);
      if (values.some((v, i) => i > 0 && v < (values[i - 1] as number)))
        throw new Error(`${family}${key}: not cumulative`);
      const last = buckets.at(-1);
      if (last?.labels.le !== '+Inf') throw new Error(`${family}${key}: last bucket is not +Inf`);
      const count = exposition.samples.find((s) => s.name === `${family}_count` && labelKey(s.labels) === key)?.value;
      if (count !== last.value) throw new Error(`${family}${key}: +Inf bucket ${last.value} != count ${count}`);
    }
  }
}

function labelKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

function parseValue(text: string): number | undefined {
  if (/^nan$/i.test(text)) return Number.NaN;
  if (/^\+?inf(inity)?$/i.test(text)) return Number.POSITIVE_INFINITY;
  if (/^-inf(inity)?$/i.test(text)) return Number.NEGATIVE_INFINITY;
  return NUMBER.test(text) ? Number(text) : undefined;
}

function unescapeLabelValue(value: string): string {
  return value.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}
