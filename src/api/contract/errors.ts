import { z } from 'zod';

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

/** Every refusal has this body; some codes add fields (a plan, bounds, the config's problems). */
export const ErrorBodySchema = z.strictObject({
  error: z.looseObject({
    code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    problems: z.array(z.strictObject({ field: z.string(), message: z.string() })).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
