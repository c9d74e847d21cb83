/** What a machine's agent needs to join its pool. */
export interface AgentJoin {
  /** Where the agent reaches the flotte API. */
  server: string;
  pool: string;
  /** The launch's join token: written to a root-only file, never to logs, events or errors. */
  joinToken: string;
}

/** How the agent learns which machine it runs on: `flotte agent --identity` accepts exactly these. */
export type CloudIdentity = 'aws' | 'openstack';

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * cloud-init user-data that writes the join settings to a root-only env file and runs
 * `flotte agent` under systemd, with the identity source of the cloud it boots on. With
 * `install`, it first installs Node.js and that npm spec of flotte (for stock images).
 * One generator for every cloud, so the agent's flags are spelled in one place.
 */
export function agentCloudInit(join: AgentJoin, opts: { identity: CloudIdentity; install?: string | undefined }): string {
  const install = opts.install
    ? [
        '  - [sh, -c, "command -v node >/dev/null || (curl -fsSL https://rpm.nodesource.com/setup_20.x | bash - && (dnf -y install nodejs || yum -y install nodejs)) || (curl -fsSL https://deb.nodesource.com/setup_20.x | bash - && apt-get install -y nodejs)"]',
        `  - [sh, -c, ${JSON.stringify(`npm install -g ${shellQuote(opts.install)}`)}]`,
      ]
    : [];
  return [
    '#cloud-config',
    'write_files:',
    '  - path: /etc/flotte/agent.env',
    "    permissions: '0600'",
    '    content: |',
    `      FLOTTE_SERVER=${join.server}`,
    `      FLOTTE_POOL=${join.pool}`,
    `      FLOTTE_JOIN_TOKEN=${join.joinToken}`,
    '  - path: /etc/systemd/system/flotte-agent.service',
    '    content: |',
    '      [Unit]',
    '      Description=flotte agent',
    '      After=network-online.target',
    '      [Service]',
    '      EnvironmentFile=/etc/flotte/agent.env',
    `      ExecStart=/usr/bin/env flotte agent --identity ${opts.identity}`,
    '      Restart=always',
    '      [Install]',
    '      WantedBy=multi-user.target',
    'runcmd:',
    ...install,
    '  - [systemctl, daemon-reload]',
    '  - [systemctl, enable, --now, flotte-agent.service]',
    '',
  ].join('\n');
}
