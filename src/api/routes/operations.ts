import { z } from 'zod';
import type { OperationsPort } from '../../control/operations/api-port.js';
import { OPERATION_KINDS, type Operation, type OperationControl } from '../../domain/operations/types.js';
import type { ApiDeps } from '../app.js';
import { ApiError, notFound } from '../errors.js';
import { defineRoute } from '../route.js';
import { OperationAnswerSchema, OperationDetailSchema, OperationItemListSchema, OperationListSchema, OperationPreviewSchema, OperationsHaltedSchema } from '../contract/index.js';

const Amount = z.union([z.strictObject({ count: z.number().int().nonnegative() }), z.strictObject({ percent: z.number().gt(0).max(100) })]);
const Strategy = z.strictObject({
  kind: z.enum(['all-at-once', 'rolling']),
  batchSize: z.number().int().positive().optional(),
  maxUnavailable: Amount.optional(),
  minHealthy: Amount.optional(),
  canary: z.strictObject({ count: z.number().int().positive(), bakeSeconds: z.number().nonnegative().default(0) }).optional(),
  checkpoints: z.array(z.number().gt(0).lt(100)).optional(),
  failureThreshold: z.number().int().nonnegative().optional(),
});
const Body = z.strictObject({
  kind: z.enum(OPERATION_KINDS),
  pool: z.string().min(1),
  machines: z.array(z.string().min(1)).min(1).optional(),
  selector: z.record(z.string(), z.string()).optional(),
  strategy: Strategy.default({ kind: 'all-at-once' }),
  hard: z.boolean().default(false),
});
type BodyIn = z.infer<typeof Body>;
const toRequest = ({ strategy, ...rest }: BodyIn) => ({
  ...rest,
  strategy: { ...strategy, canary: strategy.canary && { count: strategy.canary.count, bakeMs: strategy.canary.bakeSeconds * 1000 } },
});
const IdParams = z.object({ id: z.string().min(1) });

/** Bulk operations: create (or preview), follow, steer. Needs `deps.operations`; without it the routes answer 503. */
export function operationRoutes(deps: ApiDeps & { operations?: OperationsPort | undefined }) {
  const { store } = deps;
  const port = (): OperationsPort => {
    if (!deps.operations) throw new ApiError('unavailable', 'operations are run by the controller; this API has no controller attached');
    return deps.operations;
  };
  const load = async (id: string): Promise<Operation> => {
    const op = await store.getOperation(id);
    if (!op) throw notFound('operation', id);
    return op;
  };
  const steer = (control: OperationControl, verb: string) =>
    defineRoute({
      method: 'POST',
      url: `/api/v1/operations/:id/${verb}`,
      summary: `${verb[0]!.toUpperCase()}${verb.slice(1)} an operation`,
      tags: ['operations'],
      permission: 'ops:write',
      response: OperationAnswerSchema,
      params: IdParams,
      async handler({ params }) {
        const op = await load(params.id);
        if (op.status !== 'running' && op.status !== 'paused') throw new ApiError('conflict', `operation ${op.id} is ${op.status}: it can no longer ${verb}`);
        const updated = (await store.setOperationControl(op.id, control, deps.clock.now()))!;
        deps.operations?.wake();
        return { operation: updated };
      },
    });
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/operations',
      summary: 'Start a bulk operation (restart, replace, stop, start) on a pool',
      tags: ['operations'],
      permission: 'ops:write',
      response: OperationAnswerSchema,
      body: Body,
      status: 201,
      async handler({ body }) {
        const out = await port().create(toRequest(body));
        if ('error' in out) throw new ApiError(/already in a running/.test(out.error) ? 'conflict' : 'invalid_request', out.error);
        return { operation: out.operation };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/operations/dry-run',
      summary: 'Preview an operation: waves, machines per wave, API calls and estimated time; changes nothing',
      tags: ['operations'],
      permission: 'ops:read',
      response: OperationPreviewSchema,
      body: Body,
      async handler({ body }) {
        const out = await port().preview(toRequest(body));
        if ('error' in out) throw new ApiError('invalid_request', out.error);
        return { dryRun: true, preview: out.preview };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/operations',
      summary: 'List operations, newest first',
      tags: ['operations'],
      permission: 'ops:read',
      response: OperationListSchema,
      query: z.object({ pool: z.string().optional(), active: z.enum(['true', 'false']).optional(), limit: z.coerce.number().int().positive().max(1000).default(100) }),
      async handler({ query }) {
        return { items: await store.listOperations({ pool: query.pool, active: query.active === 'true', limit: query.limit }) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/operations/stop',
      summary: 'Halt every running operation at once (pauses them; resume each to go on)',
      tags: ['operations'],
      permission: 'ops:write',
      response: OperationsHaltedSchema,
      async handler() {
        const halted: string[] = [];
        for (const op of await store.listOperations({ active: true })) {
          await store.setOperationControl(op.id, 'pause', deps.clock.now());
          halted.push(op.id);
        }
        deps.operations?.wake();
        return { halted };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/operations/:id',
      summary: 'Show an operation: counts per state, rate, ETA, API budget, failed machines',
      tags: ['operations'],
      permission: 'ops:read',
      response: OperationDetailSchema,
      params: IdParams,
      async handler({ params }) {
        const op = await load(params.id);
        const items = await store.listOperationItems(op.id);
        const progress = deps.operations ? await deps.operations.describe(op, items) : null;
        const failed = items.filter((i) => i.status === 'failed').slice(0, 100).map((i) => ({ machine: i.machine, error: i.error ?? null }));
        return { operation: op, progress, failed };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/operations/:id/items',
      summary: "An operation's items (one per machine), in start order",
      tags: ['operations'],
      permission: 'ops:read',
      response: OperationItemListSchema,
      params: IdParams,
      async handler({ params }) {
        await load(params.id);
        return { items: await store.listOperationItems(params.id) };
      },
    }),
    steer('pause', 'pause'),
    steer('run', 'resume'),
    steer('cancel', 'cancel'),
  ];
}
