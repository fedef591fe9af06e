/**
 * Codes of the errors thrown by `@litewal/telemetry`.
 * @public
 */
export type TelemetryErrorCode = 'ERR_TELEMETRY_INVALID_NAME' | 'ERR_TELEMETRY_NAME_CONFLICT' | 'ERR_TELEMETRY_INVALID_VALUE';

/**
 * The three kinds of metric a {@link Telemetry} registry holds.
 * @public
 */
export type MetricKind = 'counter' | 'gauge' | 'histogram';

/**
 * Base class of every error `@litewal/telemetry` throws; branch on {@link TelemetryError.code}.
 * @public
 */
export class TelemetryError extends Error {
  /** Class name, for `err.name` checks that survive duplicate package copies. */
  static override name = 'TelemetryError';
  /** Class name of this error. */
  override readonly name: string = 'TelemetryError';
  /** Stable machine-readable code. */
  readonly code: TelemetryErrorCode;

  /** Creates an error with a code and a message that states the observed value and the limit. */
  constructor(code: TelemetryErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/**
 * A metric or label name that Prometheus would not accept.
 * @public
 */
export class InvalidNameError extends TelemetryError {
  /** Class name, for `err.name` checks that survive duplicate package copies. */
  static override name = 'InvalidNameError';
  /** Class name of this error. */
  override readonly name: string = 'InvalidNameError';

  /** Which kind of name was refused. */
  readonly nameKind: 'metric' | 'label';
  /** The name given. */
  readonly value: string;
  /** What a valid name looks like. */
  readonly expected: string;

  /** @param nameKind - metric or label. @param value - the name given. @param expected - what a valid name looks like. */
  constructor(nameKind: 'metric' | 'label', value: string, expected: string) {
    super('ERR_TELEMETRY_INVALID_NAME', `${nameKind} name ${JSON.stringify(value)} is invalid: expected ${expected}`);
    this.nameKind = nameKind;
    this.value = value;
    this.expected = expected;
  }
}

/**
 * A metric whose name, or one of the sample names it exposes, is already taken by another metric.
 * @public
 */
export class MetricConflictError extends TelemetryError {
  /** Class name, for `err.name` checks that survive duplicate package copies. */
  static override name = 'MetricConflictError';
  /** Class name of this error. */
  override readonly name: string = 'MetricConflictError';

  /** Name of the metric asked for. */
  readonly metric: string;
  /** Kind of the metric asked for. */
  readonly kind: MetricKind;
  /** Name of the metric already registered. */
  readonly existingMetric: string;
  /** Kind of the metric already registered. */
  readonly existingKind: MetricKind;
  /** The name both would use. */
  readonly clash: string;

  /**
   * @param metric - name asked for. @param kind - kind asked for. @param existingMetric - name already registered.
   * @param existingKind - its kind. @param clash - the name both would use. @param detail - why they clash.
   */
  constructor(metric: string, kind: MetricKind, existingMetric: string, existingKind: MetricKind, clash: string, detail: string) {
    super(
      'ERR_TELEMETRY_NAME_CONFLICT',
      `${kind} ${JSON.stringify(metric)} conflicts with ${existingKind} ${JSON.stringify(existingMetric)} on ${JSON.stringify(clash)}: ${detail}`,
    );
    this.metric = metric;
    this.kind = kind;
    this.existingMetric = existingMetric;
    this.existingKind = existingKind;
    this.clash = clash;
  }
}

/**
 * A number outside what a metric, an event or an option accepts (NaN, negative, too large, non-integer).
 * @public
 */
export class InvalidValueError extends TelemetryError {
  /** Class name, for `err.name` checks that survive duplicate package copies. */
  static override name = 'InvalidValueError';
  /** Class name of this error. */
  override readonly name: string = 'InvalidValueError';

  /** What the number was for, e.g. `histogram "commit_us" sample`. */
  readonly what: string;
  /** The number given. */
  readonly value: number;
  /** The accepted range, e.g. `a number in [0, 9007199254740991]`. */
  readonly expected: string;

  /** @param what - what the number was for. @param value - the number given. @param expected - the accepted range. */
  constructor(what: string, value: number, expected: string) {
    super('ERR_TELEMETRY_INVALID_VALUE', `${what} must be ${expected}, got ${value}`);
    this.what = what;
    this.value = value;
    this.expected = expected;
  }
}
