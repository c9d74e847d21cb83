import { createHash } from 'node:crypto';
import type { LaunchRequest } from './provider.js';

/** cloud-init's content type for a part, told by its first line as cloud-init itself does. */
const TYPES: readonly [prefix: string, type: string][] = [
  ['#cloud-config', 'text/cloud-config'],
  ['#!', 'text/x-shellscript'],
  ['#cloud-boothook', 'text/cloud-boothook'],
  ['#include', 'text/x-include-url'],
  ['#part-handler', 'text/part-handler'],
];

/**
 * Later cloud-config parts append to the lists of earlier ones instead of replacing them
 * (cloud-init's default): the role's own `runcmd` or `write_files` must not drop the agent's.
 */
const MERGE = 'list(append)+dict(recurse_array)+str()';

/**
 * The user-data a machine boots with: the template's own when it has one (the user knows their
 * image best), else the agent's join, plus the launch's extra part (an environment role's
 * provisioning). One part is sent as it is; two become a multipart archive, so both run.
 */
export function bootUserData(req: Pick<LaunchRequest, 'template' | 'extraUserData'>, agent: string | undefined): string | undefined {
  const parts = [req.template.userData ?? agent, req.extraUserData].filter((p): p is string => p !== undefined && p !== '');
  return parts.length <= 1 ? parts[0] : multipart(parts);
}

/** A cloud-init multipart MIME archive of `parts`, each with the content type its first line names. */
export function multipart(parts: readonly string[]): string {
  const boundary = `==flotte-${createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 24)}==`;
  const lines = ['Content-Type: multipart/mixed; boundary="' + boundary + '"', 'MIME-Version: 1.0', ''];
  parts.forEach((text, i) => {
    const type = TYPES.find(([prefix]) => text.startsWith(prefix))?.[1] ?? 'text/plain';
    // Python's email parser, which cloud-init reads user-data with, mangles raw non-ASCII text: such a part goes in base64.
    const ascii = /^\p{ASCII}*$/u.test(text);
    lines.push(`--${boundary}`, `Content-Type: ${type}; charset="utf-8"`, 'MIME-Version: 1.0', `Content-Transfer-Encoding: ${ascii ? '7bit' : 'base64'}`, `Content-Disposition: attachment; filename="part-${i + 1}"`);
    if (type === 'text/cloud-config') lines.push(`Merge-Type: ${MERGE}`);
    lines.push('', ascii ? text : (Buffer.from(text, 'utf8').toString('base64').match(/.{1,76}/g) ?? []).join('\n'));
  });
  lines.push(`--${boundary}--`, '');
  return lines.join('\n');
}
