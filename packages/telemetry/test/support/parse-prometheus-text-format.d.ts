/** Types of the parts of `parse-prometheus-text-format` 1.1.1 the tests use (it ships none). */
declare module 'parse-prometheus-text-format' {
  /** One sample group; values are the texts of the exposition. */
  export interface ParsedMetric {
    readonly value?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly quantiles?: Readonly<Record<string, string>>;
    readonly count?: string;
    readonly sum?: string;
  }
  /** One metric family. */
  export interface ParsedFamily {
    readonly name: string;
    readonly help: string;
    readonly type: 'COUNTER' | 'GAUGE' | 'SUMMARY' | 'HISTOGRAM' | 'UNTYPED';
    readonly metrics: readonly ParsedMetric[];
  }
  /** Parses the Prometheus text format; throws `InvalidLineError` on a malformed line. */
  export default function parsePrometheusTextFormat(text: string): ParsedFamily[];
}
