/** The API shapes the dashboard reads (a subset of what the API returns). */
export interface PoolSummary {
  name: string;
  provider: string;
  template: string;
  min: number;
  max: number;
  desired: number;
  zones: string[];
  ready: number;
  counts: Record<string, number>;
  /** Why the pool is not doing what it normally would: HealingPaused, ProviderUnavailable, AutoscalingPaused, BlastRadiusHold. */
  conditions?: { type: string; reason?: string; message: string; since?: string; until?: string }[];
}

export interface MachineRow {
  id: string;
  zone: string;
  size: string;
  state: string;
  since: string;
  launchedAt: string;
  replaces: string | null;
  protected: boolean;
}

export interface PoolDetail extends PoolSummary {
  machines: MachineRow[];
}

export interface Whoami {
  name: string;
  role: string;
  permissions: string[];
}

export const can = (me: Whoami | undefined, permission: string): boolean => !!me?.permissions.includes(permission);
