import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: root, overrideConfigFile: 'eslint.config.js' });

/** The import-direction errors ESLint reports for `code` as if it were the file at `filePath`. */
async function directionErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const use = (what: string) => `import { x } from '${what}';\nexport const y = x;\n`;
const useType = (what: string) => `import type { X } from '${what}';\nexport type Y = X;\n`;

/** One wrong-direction import per layer rule: each must be an error. */
const WRONG: [layer: string, file: string, code: string][] = [
  ['domain', 'src/domain/fixture.ts', use('../store/store.js')],
  ['domain (nested)', 'src/domain/scaling/fixture.ts', use('../../control/controller.js')],
  ['clock', 'src/clock/fixture.ts', use('../domain/types.js')],
  ['providers', 'src/providers/aws/fixture.ts', use('../../control/controller.js')],
  ['providers (store beyond its data dir)', 'src/providers/local/fixture.ts', use('../../store/store.js')],
  ['providers (config)', 'src/providers/aws/fixture.ts', useType('../../config/schema.js')],
  ['store', 'src/store/fixture.ts', use('../providers/provider.js')],
  ['metrics', 'src/metrics/fixture.ts', use('../control/autoscaler.js')],
  ['config', 'src/config/fixture.ts', use('../control/controller.js')],
  ['control', 'src/control/pool/fixture.ts', use('../../api/app.js')],
  ['compose', 'src/compose/fixture.ts', use('../services/api-service.js')],
  ['control (compose)', 'src/control/fixture.ts', use('../compose/providers.js')],
  ['planner', 'src/planner/sim/fixture.ts', use('../../api/app.js')],
  ['api', 'src/api/routes/fixture.ts', use('../../services/api-service.js')],
  ['api contract', 'src/api/contract/fixture.ts', use('../route.js')],
  ['api contract (store)', 'src/api/contract/fixture.ts', use('../../store/store.js')],
  ['services', 'src/services/fixture.ts', use('../cli/client.js')],
  ['cli', 'src/cli/commands/fixture.ts', use('../../store/store.js')],
  ['cli (api beyond the contract)', 'src/cli/commands/fixture.ts', useType('../../api/app.js')],
  ['cli hosting command', 'src/cli/commands/up.ts', use('../../control/controller.js')],
  ['web', 'src/web/pages/fixture.tsx', useType('../../api/routes/pools.js')],
  ['web (domain)', 'src/web/lib/fixture.ts', useType('../../domain/types.js')],
  ['agent', 'src/agent/fixture.ts', useType('../api/routes/agents.js')],
  ['agent (store)', 'src/agent/fixture.ts', use('../store/agent-secrets.js')],
];

/** Imports the directions allow: none may be reported. */
const RIGHT: [what: string, file: string, code: string][] = [
  ['domain within domain', 'src/domain/scaling/fixture.ts', use('../types.js')],
  ['providers on domain and clock', 'src/providers/aws/fixture.ts', use('../../domain/types.js') + use('../../clock/clock.js').replace('{ x }', '{ x as z }').replace('y = x', 'w = z')],
  ['providers on the data dir', 'src/providers/local/fixture.ts', use('../../store/data-dir.js')],
  ['store on domain', 'src/store/fixture.ts', use('../domain/types.js')],
  ['control on store and providers', 'src/control/pool/fixture.ts', use('../../store/store.js')],
  ['compose on control', 'src/compose/fixture.ts', use('../control/controller.js')],
  ['api on control', 'src/api/routes/fixture.ts', use('../../control/operations/api-port.js')],
  ['contract on domain', 'src/api/contract/fixture.ts', use('../../domain/lifecycle.js')],
  ['cli on the contract', 'src/cli/commands/fixture.ts', useType('../../api/contract/index.js')],
  ['cli hosting command on services', 'src/cli/commands/serve.ts', use('../../services/api-service.js')],
  ['web on the contract', 'src/web/pages/fixture.tsx', useType('../../api/contract/index.js')],
  ['agent on the contract and the clock', 'src/agent/fixture.ts', useType('../api/contract/index.js')],
  ['a test wires layers', 'src/store/fixture.test.ts', use('../control/controller.js')],
];

describe('lint holds the layer directions', () => {
  it.each(WRONG)('%s: a wrong-direction import is an error', async (_layer, file, code) => {
    expect(await directionErrors(file, code)).toHaveLength(1);
  });

  it.each(RIGHT)('%s: an allowed import is not reported', async (_what, file, code) => {
    expect(await directionErrors(file, code)).toEqual([]);
  });
});
