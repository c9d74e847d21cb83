import type { MachineView, PoolDetail, PoolSummary, Whoami } from '../../api/contract/index.js';

/** The API shapes the dashboard reads: the API's own contract, never declared again here. */
export type { PoolDetail, PoolSummary, Whoami };
export type MachineRow = MachineView;

export const can = (me: Whoami | undefined, permission: string): boolean => !!me?.permissions.some((p) => p === permission);
