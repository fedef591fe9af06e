import { InvalidNameError } from '../errors.js';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Throws unless `name` is a valid Prometheus metric name. */
export function checkMetricName(name: string): void {
  if (!METRIC_NAME.test(name)) throw new InvalidNameError('metric', name, 'a match of [a-zA-Z_:][a-zA-Z0-9_:]*');
}

/**
 * Throws unless `name` is a label name this package may put on its samples: valid for Prometheus,
 * not reserved (`__` prefix) and not `quantile`, which the histogram (summary) samples use.
 */
export function checkLabelName(name: string): void {
  if (!LABEL_NAME.test(name) || name.startsWith('__') || name === 'quantile') {
    throw new InvalidNameError('label', name, 'a match of [a-zA-Z_][a-zA-Z0-9_]* that does not start with "__" and is not "quantile"');
  }
}
