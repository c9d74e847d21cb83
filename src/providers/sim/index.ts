export { SimCloud, type SimAction, type SimCall, type SimOutcome } from './sim-cloud.js';
export { DEFAULT_SIM_OPTIONS, simOptions, type SimCloudOptions, type SimCloudOptionsInput } from './options.js';
export { TERMINATED_RETENTION_MS, FAULTS, type SimMachine } from './sim-machine.js';
export { loadState, type SimState, type TokenRecord } from './sim-state.js';
