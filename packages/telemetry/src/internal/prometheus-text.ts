import type { MetricKind } from '../errors.js';
import { HISTOGRAM_RECENT_SLOTS, HISTOGRAM_RECENT_SLOT_SAMPLES } from '../histogram.js';
import type { Metric } from './metric.js';

const RECENT_WINDOW = `${(HISTOGRAM_RECENT_SLOTS - 1) * HISTOGRAM_RECENT_SLOT_SAMPLES + 1} to ${HISTOGRAM_RECENT_SLOTS * HISTOGRAM_RECENT_SLOT_SAMPLES}`;

/** Quantiles exposed for each histogram (their label value is `String(q)`). */
const QUANTILES = [0.5, 0.95, 0.99] as const;

/** Name of the counter's samples: `_total` is appended unless already there. */
function counterSampleName(name: string): string {
  return name.endsWith('_total') ? name : `${name}_total`;
}

/** Every sample name a metric of `kind` named `name` puts in the exposition; two metrics must not share one. */
export function sampleNames(kind: MetricKind, name: string): readonly string[] {
  switch (kind) {
    case 'counter':
      return [counterSampleName(name)];
    case 'gauge':
      return [name];
    case 'histogram':
      return [name, `${name}_sum`, `${name}_count`, `${name}_max`, `${name}_recent_max`];
  }
}

function escapeHelp(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');
}

function escapeLabelValue(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

/** `{a="x",b="y"}` from label pairs already rendered as `a="x"`, or '' when there are none. */
function braces(pairs: readonly string[]): string {
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

/** Prometheus float syntax: NaN is spelled `NaN` (every other value here is finite). */
function formatValue(value: number): string {
  return Number.isNaN(value) ? 'NaN' : String(value);
}

/** Appends the HELP (when the help text is not empty) and TYPE lines of one metric family. */
function header(lines: string[], family: string, help: string, type: string): void {
  if (help !== '') lines.push(`# HELP ${family} ${escapeHelp(help)}`);
  lines.push(`# TYPE ${family} ${type}`);
}

/**
 * Prometheus text exposition format 0.0.4 of the metrics, every sample carrying `labels`.
 * Histograms become summaries (quantiles 0.5, 0.95, 0.99 — NaN when empty —, `_sum`, `_count`)
 * plus the gauges `_max` and `_recent_max`.
 */
export function renderPrometheusText(metrics: Iterable<Metric>, labels: Readonly<Record<string, string>>): string {
  const common = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabelValue(value)}"`);
  const plain = braces(common);
  const lines: string[] = [];
  for (const metric of metrics) {
    switch (metric.kind) {
      case 'counter': {
        const family = counterSampleName(metric.name);
        header(lines, family, metric.help, 'counter');
        lines.push(`${family}${plain} ${formatValue(metric.value)}`);
        break;
      }
      case 'gauge':
        header(lines, metric.name, metric.help, 'gauge');
        lines.push(`${metric.name}${plain} ${formatValue(metric.value)}`);
        break;
      case 'histogram': {
        const { name, count } = metric;
        header(lines, name, metric.help, 'summary');
        for (const q of QUANTILES) {
          const value = count === 0 ? NaN : metric.quantile(q);
          lines.push(`${name}${braces([...common, `quantile="${q}"`])} ${formatValue(value)}`);
        }
        lines.push(`${name}_sum${plain} ${formatValue(metric.sum)}`, `${name}_count${plain} ${formatValue(count)}`);
        header(lines, `${name}_max`, `Largest sample of ${name} so far.`, 'gauge');
        lines.push(`${name}_max${plain} ${formatValue(metric.max)}`);
        header(lines, `${name}_recent_max`, `Largest of the last ${RECENT_WINDOW} samples of ${name}.`, 'gauge');
        lines.push(`${name}_recent_max${plain} ${formatValue(metric.recentMax())}`);
        break;
      }
    }
  }
  return lines.map((line) => `${line}\n`).join('');
}
