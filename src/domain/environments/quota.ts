/** What an environment (or a request for one) takes. */
export interface Footprint {
  environments: number;
  machines: number;
  vcpus: number;
  memoryGb: number;
}

export const QUOTA_KEYS = ['environments', 'machines', 'vcpus', 'memoryGb'] as const;
export type QuotaKey = (typeof QUOTA_KEYS)[number];

/** Hard caps; an absent key is no cap. */
export type Caps = Partial<Record<QuotaKey, number>>;

export interface QuotaScope {
  /** `user alice` or `team payments`, for messages. */
  label: string;
  caps: Caps;
  /** What the scope's live environments take now. */
  usage: Footprint;
}

export interface QuotaRefusal {
  scope: string;
  cap: QuotaKey;
  limit: number;
  usage: number;
  requested: number;
  message: string;
}

export const ZERO: Footprint = { environments: 0, machines: 0, vcpus: 0, memoryGb: 0 };

export const addFootprints = (a: Footprint, b: Footprint): Footprint => ({
  environments: a.environments + b.environments,
  machines: a.machines + b.machines,
  vcpus: a.vcpus + b.vcpus,
  memoryGb: a.memoryGb + b.memoryGb,
});

/** The first cap the request would exceed, scopes in order (user before teams); undefined when it fits. */
export function checkQuota(request: Footprint, scopes: readonly QuotaScope[]): QuotaRefusal | undefined {
  for (const s of scopes) {
    for (const cap of QUOTA_KEYS) {
      const limit = s.caps[cap];
      if (limit === undefined || s.usage[cap] + request[cap] <= limit) continue;
      return {
        scope: s.label,
        cap,
        limit,
        usage: s.usage[cap],
        requested: request[cap],
        message: `over quota: ${s.label} may use ${limit} ${cap}, uses ${s.usage[cap]} and this environment needs ${request[cap]}`,
      };
    }
  }
  return undefined;
}
