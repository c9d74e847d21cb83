import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { launchRequest } from '../../test/support/launch-request.js';
import { agentCloudInit } from './agent-cloud-init.js';
import { runInstancesInput } from './aws/launch-input.js';
import { bootUserData, multipart } from './boot-user-data.js';
import { userDataFor } from './openstack/user-data.js';

const agent = agentCloudInit({ server: 'https://flotte.example:7420', pool: 'env-1a2b-db', joinToken: 'jt-secret' }, { identity: 'openstack' });
const script = '#!/bin/sh\nset -e\napt-get install -y postgresql-16\n';
const config = '#cloud-config\npackages: [rabbitmq-server]\nruncmd:\n  - [systemctl, enable, --now, rabbitmq-server]\n';
const template = (userData?: string) => ({ name: 'vm', version: 1, provider: 'os', image: 'ubuntu', sizes: ['m1.small'], zones: [], tags: {}, ...(userData !== undefined ? { userData } : {}) });

/** The parts as Python's email parser reads them: the parser cloud-init reads user-data with. */
function parsedByPython(archive: string): { type: string; merge: string | null; body: string }[] {
  const code = `import email, json, sys
m = email.message_from_string(sys.stdin.read())
assert m.is_multipart(), 'not multipart'
print(json.dumps([{'type': p.get_content_type(), 'merge': p.get('Merge-Type'), 'body': p.get_payload(decode=True).decode('utf-8')} for p in m.walk() if not p.is_multipart()]))`;
  return JSON.parse(execFileSync('python3', ['-c', code], { input: archive, encoding: 'utf8' })) as { type: string; merge: string | null; body: string }[];
}
const python = spawnSync('python3', ['--version']).status === 0;

describe('boot user-data', () => {
  it('is the agent’s join alone, or the template’s own, when the launch brings nothing extra', () => {
    expect(bootUserData({ template: template() }, agent)).toBe(agent);
    expect(bootUserData({ template: template(script) }, agent)).toBe(script);
    expect(bootUserData({ template: template() }, undefined)).toBeUndefined();
    expect(bootUserData({ template: template(), extraUserData: script }, undefined)).toBe(script);
  });

  it.skipIf(!python)('puts the agent’s cloud-config and a role’s script in one archive, each part whole and typed', () => {
    const archive = bootUserData({ template: template(), extraUserData: script }, agent)!;
    expect(parsedByPython(archive)).toEqual([
      { type: 'text/cloud-config', merge: 'list(append)+dict(recurse_array)+str()', body: agent },
      { type: 'text/x-shellscript', merge: null, body: script },
    ]);
  });

  it.skipIf(!python)('appends a role’s cloud-config to the agent’s rather than replacing its lists, and keeps non-ASCII text', () => {
    const role = `${config}write_files:\n  - path: /etc/motd\n    content: "Entrepôt de développement"\n`;
    const parts = parsedByPython(bootUserData({ template: template(), extraUserData: role }, agent)!);
    expect(parts.map((p) => [p.type, p.merge])).toEqual([
      ['text/cloud-config', 'list(append)+dict(recurse_array)+str()'],
      ['text/cloud-config', 'list(append)+dict(recurse_array)+str()'],
    ]);
    expect(parts[1]!.body).toBe(role);
  });

  it.skipIf(!python)('reaches both clouds’ launch requests: the agent with each cloud’s identity, then the role’s part', () => {
    const req = launchRequest('li-1', 1, { agent: { server: 'https://flotte.example:7420', pool: 'env-1a2b-db', joinToken: 'jt-secret' }, extraUserData: script });
    const ec2 = Buffer.from(runInstancesInput(req, {}, { size: 'm5.large', count: 1, market: 'on-demand', clientToken: 'li-1' }).UserData!, 'base64').toString('utf8');
    for (const [text, identity] of [[userDataFor(req)!, 'openstack'], [ec2, 'aws']] as const) {
      const parts = parsedByPython(text);
      expect(parts.map((p) => p.type)).toEqual(['text/cloud-config', 'text/x-shellscript']);
      expect(parts[0]!.body).toContain(`flotte agent --identity ${identity}\n`);
      expect(parts[1]!.body).toBe(script);
    }
  });

  it('is the same text for the same parts (a re-sent launch carries the same user-data), and another for others', () => {
    expect(multipart([agent, script])).toBe(multipart([agent, script]));
    expect(multipart([agent, script])).not.toBe(multipart([agent, config]));
  });
});
