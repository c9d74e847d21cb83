/** What the machine's agent needs to join its pool. */
export interface AgentJoin {
  /** Where the agent reaches the flotte API. */
  server: string;
  /** The pool's join token: written to a root-only file, never to logs, events or errors. */
  joinToken: string;
  pool: string;
  /** npm spec of the agent package, e.g. `flotte@0.1.0`. */
  packageSpec: string;
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * cloud-init user-data that installs Node and `flotte`, then runs `flotte agent` as a systemd
 * service with IMDSv2 identity. The token travels only in this user-data (readable by root
 * and IMDS on the machine) and the env file it writes.
 */
export function agentUserData(j: AgentJoin): string {
  return [
    '#cloud-config',
    'write_files:',
    '  - path: /etc/flotte/agent.env',
    "    permissions: '0600'",
    '    content: |',
    `      FLOTTE_SERVER=${j.server}`,
    `      FLOTTE_POOL=${j.pool}`,
    `      FLOTTE_JOIN_TOKEN=${j.joinToken}`,
    '  - path: /etc/systemd/system/flotte-agent.service',
    '    content: |',
    '      [Unit]',
    '      Description=flotte agent',
    '      After=network-online.target',
    '      [Service]',
    '      EnvironmentFile=/etc/flotte/agent.env',
    '      ExecStart=/usr/bin/env flotte agent --identity imdsv2',
    '      Restart=always',
    '      [Install]',
    '      WantedBy=multi-user.target',
    'runcmd:',
    '  - [sh, -c, "command -v node >/dev/null || (curl -fsSL https://rpm.nodesource.com/setup_20.x | bash - && (dnf -y install nodejs || yum -y install nodejs)) || (curl -fsSL https://deb.nodesource.com/setup_20.x | bash - && apt-get install -y nodejs)"]',
    `  - [sh, -c, ${JSON.stringify(`npm install -g ${shellQuote(j.packageSpec)}`)}]`,
    '  - [systemctl, daemon-reload]',
    '  - [systemctl, enable, --now, flotte-agent.service]',
    '',
  ].join('\n');
}

/** RunInstances wants user-data base64-encoded by the caller (the SDK does not encode it). */
export const base64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
