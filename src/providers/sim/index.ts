export { SimCloud } from './sim-cloud.js';
export { SIM_ACTION_KIND, type SimAction, type SimCall, type SimOutcome } from './sim-gate.js';
export { DEFAULT_SIM_OPTIONS, simOptions, type SimCloudOptions, type SimCloudOptionsInput } from './options.js';
export { TERMINATED_RETENTION_MS, FAULTS, type SimMachine } from './sim-machine.js';
export { freshState, loadState, saveState, type SimState, type TokenRecord } from './sim-state.js';
