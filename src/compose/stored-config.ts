import { formatConfigError, validateConfig, type ConfigEnvironment } from '../config/load.js';
import type { AppliedConfig } from '../store/store.js';

export class ConfigInvalid extends Error {}

/** What this process's providers resolve against: its own environment (clouds.yaml, OS_*). */
export const PROCESS_ENVIRONMENT: ConfigEnvironment = {};

/**
 * A service starting on the stored config checks it as an apply would have, here: the
 * environment may differ from the one it was applied in (another host, a clouds.yaml edited since).
 */
export function checkStoredConfig(config: AppliedConfig, env: ConfigEnvironment): void {
  const parsed = validateConfig(config.source, 'stored config', env);
  if (!parsed.ok) throw new ConfigInvalid(`${parsed.errors.map(formatConfigError).join('\n')}\nthe stored config does not resolve here: fix it in this environment, or apply a corrected flotte.yaml (\`flotte up -f\` or \`flotte apply -f\`)`);
}
