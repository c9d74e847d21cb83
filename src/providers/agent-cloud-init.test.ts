import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { agentCloudInit } from './agent-cloud-init.js';

const join = { server: 'https://flotte.example:7420', pool: 'analysis', joinToken: "t0k'en" };

describe('agent cloud-init', () => {
  it('is valid cloud-config that writes a root-only env file and runs the agent with the cloud’s identity', () => {
    for (const identity of ['aws', 'openstack'] as const) {
      const text = agentCloudInit(join, { identity });
      expect(text.startsWith('#cloud-config\n')).toBe(true);
      const doc = parse(text) as { write_files: { path: string; permissions?: string; content: string }[]; runcmd: unknown[] };
      const env = doc.write_files.find((f) => f.path === '/etc/flotte/agent.env')!;
      expect(env.permissions).toBe('0600');
      expect(env.content).toContain("FLOTTE_JOIN_TOKEN=t0k'en");
      const unit = doc.write_files.find((f) => f.path.endsWith('flotte-agent.service'))!.content;
      // `flotte agent --identity` accepts env, aws or openstack: the unit must use one of those.
      expect(unit).toContain(`ExecStart=/usr/bin/env flotte agent --identity ${identity}\n`);
    }
  });

  it('installs flotte first only when asked, quoting the npm spec for the shell', () => {
    expect(agentCloudInit(join, { identity: 'openstack' })).not.toContain('npm install');
    const doc = parse(agentCloudInit(join, { identity: 'aws', install: "flotte@0.1.0'; rm -rf /" })) as { runcmd: unknown[][] };
    expect(doc.runcmd.flat().join(' ')).toContain(`npm install -g 'flotte@0.1.0'\\''; rm -rf /'`);
  });
});
