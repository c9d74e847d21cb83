import type { ConditionView } from '../../api/contract/index.js';

const hhmm = (iso: string): string => `${iso.slice(11, 16)} UTC`;

/**
 * A pool's conditions as badges: the type, its fixed reason and the message that says what
 * holds and what to do, worded as the CLI and the API word them. A person's pause warns; what
 * the controller holds by itself is an alarm.
 */
export function ConditionBadges({ conditions }: { conditions: readonly ConditionView[] }) {
  if (conditions.length === 0) return null;
  return (
    <ul class="conditions" aria-label="conditions">
      {conditions.map((c) => (
        <li class={`condition ${c.type === 'AutoscalingPaused' ? 'warn' : 'bad'}`} data-testid={`condition-${c.type}`}>
          <strong>{c.type}</strong> ({c.reason}) since {hhmm(c.since)}
          {c.until ? ` until ${hhmm(c.until)}` : ''}: {c.message}
        </li>
      ))}
    </ul>
  );
}
