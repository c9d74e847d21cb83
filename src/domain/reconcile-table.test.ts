import { describe, expect, it } from 'vitest';
import type { MachineState } from './lifecycle.js';
import { reconcileMachine, type SeenMachine, type StateChange } from './reconcile.js';
import { machine } from '../../test/support/domain-fixtures.js';

const NOW = Date.UTC(2026, 11, 6, 9, 0);
const GRACE = 60_000;
const OLD = NOW - 3_600_000;

const ch = (to: MachineState, reason: StateChange['reason'], cause: string, unexpected = false): StateChange => ({ to, reason, cause, unexpected });
const BOOT = ch('booting', 'Booting', 'the provider is starting it');
const READY = ch('ready', 'Ready', 'the provider reports it running');
const WAIT_AGENT = ch('booting', 'Booting', 'the provider reports it running; waiting for its agent to join');

type Agent = { joined: boolean } | undefined;
const rows: [MachineState, SeenMachine['status'] | 'unlisted', Agent, StateChange | null][] = [
  // The provider starts it.
  ['requested', 'pending', undefined, BOOT],
  ['launching', 'pending', undefined, BOOT],
  ['stopped', 'pending', undefined, BOOT],
  ['booting', 'pending', undefined, null],
  ['ready', 'pending', undefined, null],
  ['unhealthy', 'pending', undefined, null],
  ['rebooting', 'pending', undefined, null],
  // Running: ready, unless an agent has yet to join.
  ['requested', 'running', undefined, READY],
  ['launching', 'running', undefined, READY],
  ['booting', 'running', undefined, READY],
  ['stopped', 'running', undefined, READY],
  ['rebooting', 'running', undefined, READY],
  ['ready', 'running', undefined, null],
  ['unhealthy', 'running', undefined, ch('ready', 'Recovered', 'the provider reports it running')],
  ['draining', 'running', undefined, null],
  ['requested', 'running', { joined: false }, WAIT_AGENT],
  ['launching', 'running', { joined: false }, WAIT_AGENT],
  ['stopped', 'running', { joined: false }, WAIT_AGENT],
  ['rebooting', 'running', { joined: false }, WAIT_AGENT],
  ['booting', 'running', { joined: false }, null],
  ['ready', 'running', { joined: false }, null],
  ['unhealthy', 'running', { joined: false }, null],
  ['booting', 'running', { joined: true }, READY],
  ['unhealthy', 'running', { joined: true }, ch('ready', 'Recovered', 'the provider reports it running')],
  // Reboots, stops, errors.
  ['ready', 'rebooting', undefined, ch('rebooting', 'Rebooting', 'the provider reports a reboot')],
  ['booting', 'rebooting', undefined, null],
  ['unhealthy', 'rebooting', undefined, null],
  ['ready', 'stopping', undefined, ch('stopped', 'Stopped', 'the provider reports it stopping')],
  ['ready', 'stopped', undefined, ch('stopped', 'Stopped', 'the provider reports it stopped')],
  ['draining', 'stopped', undefined, null],
  ['draining', 'stopping', undefined, null],
  ['stopped', 'stopped', undefined, null],
  ['ready', 'error', undefined, ch('unhealthy', 'Unhealthy', 'the provider reports an error')],
  ['booting', 'error', undefined, ch('unhealthy', 'Unhealthy', 'the provider reports an error')],
  ['stopped', 'error', undefined, null],
  // Going away.
  ['ready', 'terminating', undefined, ch('gone', 'Died', 'the provider is terminating it without flotte asking', true)],
  ['terminating', 'terminating', undefined, null],
  ['terminating', 'running', undefined, null],
  ['terminating', 'error', undefined, null],
  ['terminating', 'terminated', undefined, ch('gone', 'Terminated', 'terminated as asked')],
  ['terminating', 'unlisted', undefined, ch('gone', 'Terminated', 'terminated as asked')],
  ['ready', 'terminated', undefined, ch('gone', 'Died', 'the provider reports it terminated', true)],
  ['draining', 'unlisted', undefined, ch('gone', 'Died', 'no longer listed by the provider', true)],
  ['gone', 'running', undefined, null],
  ['gone', 'unlisted', undefined, null],
];

describe('reconcileMachine: the provider’s view folded into the lifecycle', () => {
  it.each(rows)('%s + provider %s (agent %j)', (from, status, agent, want) => {
    const m = machine('m-1', { state: from, launchedAt: OLD, since: OLD });
    const seen = status === 'unlisted' ? undefined : { status };
    expect(reconcileMachine(m, seen, NOW, GRACE, agent)).toEqual(want);
  });

  it('quotes the provider’s fault when it gives one', () => {
    const m = machine('m-1', { launchedAt: OLD });
    expect(reconcileMachine(m, { status: 'error', fault: 'host failure' }, NOW, GRACE)).toEqual(ch('unhealthy', 'Unhealthy', 'the provider reports an error: host failure'));
    expect(reconcileMachine(m, { status: 'terminated', fault: 'Server.SpotInstanceTermination' }, NOW, GRACE)).toEqual(
      ch('gone', 'Died', 'the provider reports it terminated: Server.SpotInstanceTermination', true),
    );
  });

  it('a machine missing from the list is given the list grace from its launch, and no more', () => {
    const young = machine('m-1', { state: 'launching', launchedAt: NOW - GRACE + 1 });
    expect(reconcileMachine(young, undefined, NOW, GRACE)).toBeNull();
    const due = machine('m-1', { state: 'launching', launchedAt: NOW - GRACE });
    expect(reconcileMachine(due, undefined, NOW, GRACE)).toEqual(ch('gone', 'Died', 'no longer listed by the provider', true));
    // The grace is for listing late, not for a machine the provider says is terminated.
    expect(reconcileMachine(young, { status: 'terminated' }, NOW, GRACE)).toEqual(ch('gone', 'Died', 'the provider reports it terminated', true));
  });
});
