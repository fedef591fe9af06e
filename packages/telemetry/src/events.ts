/**
 * Fields of a {@link TelemetryEvent}: numbers (finite), strings and booleans.
 * @public
 */
export type TelemetryEventFields = Readonly<Record<string, number | string | boolean>>;

/**
 * One event, as recorded by {@link Telemetry.event}; plain JSON.
 * @public
 */
export interface TelemetryEvent {
  /** Sequence number: 1 for the first event of a {@link Telemetry}, counting dropped events too. */
  readonly seq: number;
  /** Wall-clock time of recording, in milliseconds since the Unix epoch (`Date.now()`), recorded whatever the `timing` option. */
  readonly at: number;
  /** What happened, e.g. `'group-commit.flush'`. */
  readonly kind: string;
  /** Details: a frozen copy of the fields given. */
  readonly fields: TelemetryEventFields;
}

/**
 * Receives every event a {@link Telemetry} records, synchronously, right after it is stored in the ring.
 *
 * @remarks
 * An observer must not slow the caller down: it runs on the recording code path. An observer that
 * throws does not break recording: the event stays recorded, the error is counted in
 * {@link Telemetry.observerErrors} and not rethrown.
 * @public
 */
export interface TelemetryObserver {
  /** Called once per event. */
  onEvent(event: TelemetryEvent): void;
}

/**
 * An observer that ignores every event: the default of {@link TelemetryOptions.observer}.
 * @public
 */
export const NOOP_OBSERVER: TelemetryObserver = Object.freeze({
  onEvent(): void {},
});
