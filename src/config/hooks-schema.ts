import { z } from 'zod';
import { DEFAULT_HOOK_RESULT, DEFAULT_HOOK_TIMEOUT_MS, HOOK_RESULTS, MAX_HOOKS, type LifecycleHook, type PoolHooks } from '../domain/hooks.js';
import { Name } from '../providers/config-fields.js';

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
/** EC2 Auto Scaling allows up to two hours for a hook; so does flotte. */
const MAX_TIMEOUT_S = 7_200;

/**
 * A webhook hook's receiver. Like a notification's, its signing key never sits in flotte.yaml:
 * the file names an environment variable or a file, read by the controller that calls it.
 */
const WebhookSchema = z
  .strictObject({
    url: z
      .url()
      .refine((u) => /^https?:\/\//i.test(u), { message: 'the receiver must be an http:// or https:// URL', params: { hint: 'write its address, e.g. https://hooks.example.com/flotte/launch' } })
      .describe('Where the controller POSTs the hook, signed with HMAC-SHA256; a 2xx answer passes it.'),
    secretEnv: z.string().regex(ENV_NAME, { error: 'an environment variable name like LAUNCH_HOOK_SECRET' }).optional().describe('Environment variable, set where the controller runs, holding the signing key.'),
    secretFile: z.string().min(1).optional().describe('File, on the controller, holding the signing key.'),
  })
  .superRefine((w, ctx) => {
    if ((w.secretEnv === undefined) === (w.secretFile === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'give exactly one of secretEnv and secretFile', params: { hint: 'secretEnv: NAME_OF_A_VARIABLE set where the controller runs, or secretFile: /path/to/key' } });
    }
  });

const HookSchema = z
  .strictObject({
    name: Name.describe('The hook\'s name, unique in its list: events and the webhook\'s body carry it.'),
    webhook: WebhookSchema.optional().describe('A signed HTTP POST the controller makes; give exactly one of `webhook` and `command`.'),
    command: z.string().min(1).optional().describe("A shell command the machine's agent runs; exit 0 passes. Give exactly one of `webhook` and `command`."),
    timeout: z
      .number()
      .positive()
      .max(MAX_TIMEOUT_S)
      .default(DEFAULT_HOOK_TIMEOUT_MS / 1000)
      .describe('Seconds the hook may take; past it, it is cut and counts as timed out.'),
    defaultResult: z
      .enum(HOOK_RESULTS)
      .default(DEFAULT_HOOK_RESULT)
      .describe('What a failure or a timeout means: `continue` goes on as if it passed; `abandon` gives a launching machine up (terminated and replaced) or skips the remaining terminate hooks.'),
  })
  .superRefine((h, ctx) => {
    if ((h.webhook === undefined) === (h.command === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'give exactly one of webhook and command', params: { hint: 'webhook: { url: …, secretEnv: … } for a call from the controller, or command: … for the machine\'s agent to run' } });
    }
  })
  .describe('One hook: a signed webhook or an agent command, its timeout and its default result.');

const HookList = z
  .array(HookSchema)
  .max(MAX_HOOKS)
  .superRefine((list, ctx) => {
    list.forEach((h, i) => {
      if (list.findIndex((o) => o.name === h.name) !== i) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `hook "${h.name}" is listed twice`, params: { hint: 'give each hook of a list its own name' } });
    });
  });

/**
 * A pool's `hooks:` section: see docs/lifecycle-hooks.md. The file speaks seconds; the parsed
 * value is the domain's `PoolHooks` in milliseconds, a missing list empty.
 */
export const HooksSchema = z
  .strictObject({
    launch: HookList.default([]).describe('Run, in order, once a new machine is up and before it counts as ready.'),
    terminate: HookList.default([]).describe('Run, in order, before a machine that served is terminated (scale-in, replacement, drain, operations).'),
  })
  .transform(
    (h): PoolHooks => ({ launch: h.launch.map(toHook), terminate: h.terminate.map(toHook) }),
  );

function toHook(h: z.infer<typeof HookSchema>): LifecycleHook {
  return {
    name: h.name,
    ...(h.webhook ? { webhook: { url: h.webhook.url, secret: h.webhook.secretEnv !== undefined ? { env: h.webhook.secretEnv } : { file: h.webhook.secretFile! } } } : {}),
    ...(h.command !== undefined ? { command: h.command } : {}),
    timeoutMs: h.timeout * 1000,
    defaultResult: h.defaultResult,
  };
}
