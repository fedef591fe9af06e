import type { CounterMetric } from '../counter.js';
import type { GaugeMetric } from '../gauge.js';
import type { HistogramMetric } from '../histogram.js';

/** Any metric of the registry; `kind` tells which. */
export type Metric = CounterMetric | GaugeMetric | HistogramMetric;
