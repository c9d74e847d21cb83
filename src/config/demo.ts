/**
 * The built-in config `flotte up` runs when there is no ./flotte.yaml. Written as a
 * commented file so `flotte up` users can copy it as a starting point.
 */
export function demoConfigYaml(): string {
  return `# flotte.yaml: the built-in demo. Copy it next to you as flotte.yaml and edit.
# Value of the ownership tag every machine carries: [a-z0-9-].
cluster: demo

# Where machines come from. \`sim\` is an in-process simulated cloud: no account needed.
providers:
  sim:
    type: sim
    seed: 7                      # same seed, same run
    zones: [sim-a, sim-b, sim-c]
    bootSeconds: { min: 2, max: 6 }
    rebootSeconds: { min: 3, max: 8 }
    # About one death per machine every 30 minutes: on 50 machines, healing shows within minutes.
    deathRatePerHour: 2
    launchFailureRate: 0
    persist: true                # keep simulated machines in .flotte/sim/ across restarts
  # \`local\` machines are real \`flotte agent\` processes on this host (dirs in .flotte/local/):
  # kill one with kill -9 and watch it be replaced. They outlive \`flotte up\`; scale to 0 to stop them.
  local:
    type: local
    bootSeconds: 1               # how long an agent waits before it joins

# How to make a machine.
templates:
  small:
    provider: sim
    image: ami-demo
    sizes: [m5.large]            # first is preferred, the rest are fall-backs
    # zones: [sim-a, sim-b]      # default: all of the provider's zones

  agent:
    provider: local
    image: flotte-agent
    size: process

# Groups of machines kept at their desired size.
pools:
  workers:
    template: agent
    min: 0
    max: 10
    desired: 3
    health:                      # heartbeats every 2 s; silent for 10 s means unhealthy
      heartbeatInterval: 2
      heartbeatTimeout: 10
      drainTimeout: 60
  analysis:
    template: small
    min: 0
    max: 500
    desired: 50                  # default: min
    maxLaunching: 200            # machines starting at once, at most
    deletionOrder: oldest-first  # or newest-first
    blastRadius: 0.5             # one scale-in or apply takes at most half the ready machines a minute, unless --allow-destroy
    labels:
      team: demo
    # Autoscaling: the pool follows a built-in synthetic workload (a daily curve with bursts,
    # its "day" shortened to 30 minutes so you see it breathe). \`flotte explain analysis\` says why.
    scaling:
      evaluationInterval: 5s
      stabilization:
        scaleIn: 60s             # production default 300s; short so the demo breathes in minutes
      metrics:
        backlog:
          type: trace            # or prometheus, http-json, redis, rabbitmq, agents
          curve: { kind: daily, base: 1000, peak: 6000, peakHour: 14, spikesPerDay: 4, spikeHeight: 3000, spikeMinutes: 60, periodSeconds: 1800, seed: 7 }
      policies:
        - type: target-tracking
          metric: backlog
          target: 100            # jobs of backlog per machine

# Disposable developer environments: \`flotte env create mine --template dev\` makes one pool per role, and it goes
# away on its own when its TTL runs out. Here both roles are local agent processes.
environments:
  templates:
    dev:
      roles:
        app: { template: agent, count: 2 }
        db: { template: agent, count: 1 }
      outputs:
        app: "{{roles.app.machines}}"
      ttl: 2h
      idle: { after: 15m, maxCpu: 1 }   # stopped after 15 min with no busy work or session; \`flotte env start\` wakes it
`;
}
