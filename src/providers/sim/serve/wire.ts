import { ProviderError, type ProviderErrorKind } from '../../provider.js';

/**
 * The sim served over HTTP (`flotte sim serve --face flotte`): one cloud shared by every controller process,
 * with one call log. Requests and answers are JSON; a ProviderError travels as its kind,
 * message and details and is rebuilt on the other side, so callers see the same error family.
 */
export const SIM_CALLER_HEADER = 'x-flotte-caller';

export const SIM_METHODS = ['launch', 'terminate', 'reboot', 'stop', 'start', 'list'] as const;
export type SimMethod = (typeof SIM_METHODS)[number];

/** How a served sim is spoken to: flotte's JSON (RemoteSim) or the EC2 Query API (the aws provider, the AWS CLI). */
export const SIM_FACES = ['flotte', 'ec2'] as const;
export type SimFace = (typeof SIM_FACES)[number];

/** One request as the server logged it: who sent it, what it asked, what it changed. */
export interface ServedCall {
  seq: number;
  /** The face it came through (one log for both). */
  face: SimFace;
  /** Wall-clock ms when the request arrived, and when its answer was sent. */
  at: number;
  answeredAt?: number | undefined;
  caller: string;
  method: SimMethod;
  /** Launch: the idempotency token and count; batch calls: the ids. */
  token?: string | undefined;
  count?: number | undefined;
  ids?: string[] | undefined;
  outcome: 'ok' | 'error';
  /** Launch: machines this request created (0 when the token replayed an earlier launch). */
  created?: number | undefined;
  error?: string | undefined;
}

export interface WireError {
  kind: ProviderErrorKind;
  message: string;
  details: ProviderError['details'];
}

export function toWire(e: ProviderError): WireError {
  return { kind: e.kind, message: e.message, details: e.details };
}

export function fromWire(w: WireError): ProviderError {
  return new ProviderError(w.kind, w.message, w.details);
}
