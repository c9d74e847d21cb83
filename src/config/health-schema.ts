import { z } from 'zod';
import { DEFAULT_HEALTH, type HealthPolicy } from '../domain/health.js';

const Seconds = z.number().positive();
const D = DEFAULT_HEALTH;

/**
 * A pool's `health:` section. The file speaks seconds; the parsed value is the domain's
 * `HealthPolicy` in milliseconds, every field filled from `DEFAULT_HEALTH`.
 */
export const HealthSchema = z
  .strictObject({
    /** The machines run `flotte agent`; default: whatever the provider declares. */
    agent: z.boolean().optional(),
    heartbeatInterval: Seconds.default(D.heartbeatIntervalMs / 1000),
    heartbeatTimeout: Seconds.default(D.heartbeatTimeoutMs / 1000),
    bootGrace: Seconds.default(D.bootGraceMs / 1000),
    probe: z
      .strictObject({
        kind: z.enum(['http', 'tcp']),
        /** Default: the agent's own port, for machines that run one. */
        port: z.int().min(1).max(65535).optional(),
        path: z.string().startsWith('/').default('/healthz'),
        timeout: Seconds.default(2),
        /** Consecutive failures before the machine is unhealthy. */
        failures: z.int().min(1).default(3),
      })
      .optional(),
    replacement: z.enum(['launch-first', 'terminate-first']).default(D.replacement),
    maxReplacing: z.int().min(1).default(D.maxReplacing),
    brake: z
      .strictObject({ share: z.number().gt(0).max(1).default(D.brake.share), window: Seconds.default(D.brake.windowMs / 1000) })
      .prefault({}),
    drainTimeout: Seconds.default(D.drainTimeoutMs / 1000),
    preStop: z.strictObject({ command: z.string().min(1), timeout: Seconds.default(30) }).optional(),
  })
  .transform(
    (h): HealthPolicy => ({
      ...(h.agent !== undefined ? { agent: h.agent } : {}),
      heartbeatIntervalMs: h.heartbeatInterval * 1000,
      heartbeatTimeoutMs: h.heartbeatTimeout * 1000,
      bootGraceMs: h.bootGrace * 1000,
      ...(h.probe ? { probe: { kind: h.probe.kind, port: h.probe.port, path: h.probe.path, timeoutMs: h.probe.timeout * 1000, failures: h.probe.failures } } : {}),
      replacement: h.replacement,
      maxReplacing: h.maxReplacing,
      brake: { share: h.brake.share, windowMs: h.brake.window * 1000 },
      drainTimeoutMs: h.drainTimeout * 1000,
      ...(h.preStop ? { preStop: { command: h.preStop.command, timeoutMs: h.preStop.timeout * 1000 } } : {}),
    }),
  );
