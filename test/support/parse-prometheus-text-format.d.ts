declare module 'parse-prometheus-text-format' {
  export interface PromSample {
    labels?: Record<string, string>;
    value?: string;
    buckets?: Record<string, string>;
    count?: string;
    sum?: string;
  }
  export interface PromFamily {
    name: string;
    help: string;
    type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    metrics: PromSample[];
  }
  // The package's own shape: this declares it, it does not choose it.
  // eslint-disable-next-line no-restricted-syntax
  export default function parsePrometheusTextFormat(text: string): PromFamily[];
}
