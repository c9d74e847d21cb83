import { ERROR_CODES, type ErrorCode } from './contract/errors.js';

export { ERROR_CODES, type ErrorCode };

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
