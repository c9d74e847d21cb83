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

# How to make a machine.
templates:
  small:
    provider: sim
    image: ami-demo
    sizes: [m5.large]            # first is preferred, the rest are fall-backs
    # zones: [sim-a, sim-b]      # default: all of the provider's zones

# Groups of machines kept at their desired size.
pools:
  analysis:
    template: small
    min: 0
    max: 500
    desired: 50                  # default: min
    maxLaunching: 200            # machines starting at once, at most
    deletionOrder: oldest-first  # or newest-first
    labels:
      team: demo
`;
}
