/**
 * The public error catalog: stable codes, each with one HTTP status. Clients branch on `code`;
 * `message` is for people and may change.
 */
export const ERROR_CODES = {
  invalid_request: 400,
  out_of_bounds: 400,
  invalid_config: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  /** An apply would remove a pool or terminate more than half of one's machines, and did not say allowDestroy. */
  destroy_not_allowed: 409,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
  /** The store does not take writes (full disk, I/O error, read-only): nothing to fix in the request; retry once /readyz is ok. */
  storage_unavailable: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldProblem {
  /** Dotted path of the field at fault, e.g. `desired` or `pools.analysis.min`. */
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly problems: FieldProblem[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get status(): number {
    return ERROR_CODES[this.code];
  }

  toJSON(): Record<string, unknown> {
    return { error: { code: this.code, message: this.message, ...(this.problems.length ? { problems: this.problems } : {}), ...this.extra } };
  }
}

export const notFound = (what: string, name: string): ApiError => new ApiError('not_found', `${what} "${name}" does not exist`);
