import type { Clock } from '../../clock/clock.js';
import { TAG } from '../../domain/types.js';
import { ProviderError, type LaunchRequest, type LaunchResult, type ProviderMachine } from '../provider.js';
import { toProviderError } from './errors.js';
import type { InFlight } from './in-flight.js';
import { atLeast, NETWORKS_REQUIRED, TAGS_AT_CREATE } from './microversion.js';
import type { NovaApi } from './nova.js';
import type { OpenStackOptions } from './options.js';
import type { Resolver } from './resolver.js';
import type { ServerLister } from './server-list.js';
import { toProviderMachine } from './status.js';
import { encodeUserData, userDataFor } from './user-data.js';

/** Server tag (2.52+) naming the launch intent, so the idempotency look-up is filtered by Nova. */
export function intentTag(token: string): string {
  return `flotte-intent:${token}`;
}
/** Nova's limit on one server tag. */
const TAG_MAX = 60;

export interface LaunchDeps {
  nova: NovaApi;
  resolver: Resolver;
  lister: ServerLister;
  inFlight: InFlight;
  clock: Clock;
  options: OpenStackOptions;
  secrets: () => string[];
}

/**
 * Creates `count` servers for one launch intent. Nova has no client token, so the intent id
 * rides on every server (metadata `flotte:intent` and a server tag) and, before creating,
 * the servers already carrying it are counted: only the missing ones are created, and a
 * re-sent intent returns what the first send made.
 */
export async function launchServers(d: LaunchDeps, req: LaunchRequest, signal?: AbortSignal): Promise<LaunchResult> {
  if (!Number.isInteger(req.count) || req.count < 1 || req.count > d.options.launchPerCall) {
    throw new ProviderError('invalid', `count ${req.count} outside 1..${d.options.launchPerCall}`, { code: 'InvalidCount' });
  }
  const mv = await d.nova.microversion(signal);
  const [flavorRef, imageRef, networks] = await Promise.all([
    d.resolver.flavor(req.size, signal),
    d.resolver.image(req.template.image, signal),
    networksField(d, mv, signal),
  ]);
  const existing = await existingFor(d, req.token, atLeast(mv, TAGS_AT_CREATE), signal);
  const missing = Math.max(0, req.count - existing.length);
  const metadata = { ...req.template.tags, ...req.tags, [TAG.intent]: req.token };
  const tags = atLeast(mv, TAGS_AT_CREATE) && intentTag(req.token).length <= TAG_MAX ? [intentTag(req.token)] : undefined;
  const o = d.options;
  const text = userDataFor(req);
  let userData: string | undefined;
  try {
    userData = text === undefined ? undefined : encodeUserData(text);
  } catch (e) {
    throw new ProviderError('invalid', (e as Error).message, { code: 'UserDataTooLarge' });
  }
  const server = (i: number): Record<string, unknown> => ({
    name: `${req.tags[TAG.pool] ?? 'flotte'}-${req.token.replace(/^li-/, '').slice(0, 8)}-${existing.length + i}`,
    flavorRef,
    imageRef,
    metadata,
    min_count: 1,
    max_count: 1,
    ...(req.zone ? { availability_zone: req.zone } : {}),
    ...(networks !== undefined ? { networks } : {}),
    ...(o.keyName ? { key_name: o.keyName } : {}),
    ...(o.securityGroups.length ? { security_groups: o.securityGroups.map((name) => ({ name })) } : {}),
    ...(userData !== undefined ? { user_data: userData } : {}),
    ...(tags ? { tags } : {}),
  });
  const hints = o.serverGroup ? { group: o.serverGroup } : undefined;
  const now = d.clock.now();
  const outcomes = await d.inFlight.all(
    Array.from({ length: missing }, (_, i) => i),
    (i) => d.nova.createServer(server(i), hints, signal),
  );
  const launched = [...existing];
  let firstError: ProviderError | undefined;
  let failedCount = 0;
  for (const out of outcomes) {
    if (out.status === 'fulfilled') {
      launched.push({ id: out.value.id, status: 'pending', zone: req.zone, size: req.size, image: req.template.image, launchedAt: now, tags: metadata, addresses: [] });
    } else {
      failedCount++;
      firstError ??= toProviderError(out.reason, d.secrets());
    }
  }
  if (firstError && launched.length === 0) throw firstError;
  return { launched, failed: firstError ? { count: failedCount, error: withWhere(firstError, req) } : null };
}

async function existingFor(d: LaunchDeps, token: string, byTag: boolean, signal?: AbortSignal): Promise<ProviderMachine[]> {
  const query: Record<string, string> = byTag ? { tags: intentTag(token) } : {};
  const { servers } = await d.lister.walk(query, signal);
  return servers.filter((s) => s.metadata?.[TAG.intent] === token && s.status !== 'DELETED').map(toProviderMachine);
}

/** `networks` as the negotiated microversion wants it: required from 2.37, where "none" exists. */
async function networksField(d: LaunchDeps, mv: readonly [number, number], signal?: AbortSignal): Promise<unknown> {
  const net = d.options.network;
  if (net === 'none' || net === 'auto') return atLeast(mv, NETWORKS_REQUIRED) ? net : undefined;
  return [{ uuid: await d.resolver.network(net, signal) }];
}

function withWhere(e: ProviderError, req: LaunchRequest): ProviderError {
  return new ProviderError(e.kind, e.message, { ...e.details, zone: req.zone, size: req.size });
}
