export { LocalProvider, type LocalOptions } from './local-provider.js';
export { isAgentProcess, MachineDirs, type LocalMachineRecord } from './machine-dir.js';
export { FLOTTE_BIN } from './spawn-agent.js';
