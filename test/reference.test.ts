import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { demoConfigYaml } from '../src/config/demo.js';
import { FleetConfigSchema } from '../src/config/schema.js';
import { configJsonSchema, generatedReferences, SCHEMA_PATH } from '../scripts/reference-lib.js';
import { ROOT } from './support/process.js';

// ajv-formats is CommonJS: under NodeNext its default export is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

describe('generated references', () => {
  it('are fresh: the files on disk are what the code generates', async () => {
    for (const [path, content] of await generatedReferences()) {
      const onDisk = readFileSync(join(ROOT, path), 'utf8');
      expect(onDisk === content, `${path} is stale: run npm run docs:reference`).toBe(true);
    }
  });

  it('document every top-level section and every pool field', async () => {
    const md = (await generatedReferences()).get('docs/reference/flotte-yaml.md')!;
    for (const key of Object.keys(FleetConfigSchema.shape)) expect(md).toContain(`## ${key}\n`);
    for (const key of Object.keys(FleetConfigSchema.shape.pools.unwrap().valueType.shape)) expect(md).toContain(`| \`pools.<name>.${key}\` |`);
    const cli = (await generatedReferences()).get('docs/reference/cli.md')!;
    expect(cli).toContain('## `flotte env create`');
    expect(cli).toContain('`--allow-destroy`');
  });
});

describe('the JSON Schema of flotte.yaml', () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, SCHEMA_PATH), 'utf8')) as object);
  const where = (errors: ErrorObject[] | null | undefined): string[] => (errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);

  // Planner files (plan.yaml and the like) have `scenarios:`; flotte.yaml files have none.
  const examples = readdirSync(join(ROOT, 'examples'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => ({ file: f, doc: parse(readFileSync(join(ROOT, 'examples', f), 'utf8')) as Record<string, unknown> }))
    .filter(({ doc }) => !('scenarios' in doc));

  it('is the one the code generates (the published file is not stale)', () => {
    expect(JSON.parse(readFileSync(join(ROOT, SCHEMA_PATH), 'utf8'))).toEqual(configJsonSchema());
  });

  it('accepts the built-in demo config', () => {
    const demo = parse(demoConfigYaml());
    expect(FleetConfigSchema.safeParse(demo).success).toBe(true);
    expect(validate(demo), where(validate.errors).join('\n')).toBe(true);
  });

  it('accepts every flotte.yaml under examples/', () => {
    expect(examples.map((e) => e.file)).toContain('dev-stack.yaml');
    for (const { file, doc } of examples) {
      expect(FleetConfigSchema.safeParse(doc).success, file).toBe(true);
      expect(validate(doc), `${file}: ${where(validate.errors).join('\n')}`).toBe(true);
    }
  });

  it('rejects a broken config naming the field path', () => {
    const demo = parse(demoConfigYaml()) as { pools: Record<string, Record<string, unknown>> };
    demo.pools.analysis!.maxLaunching = 0;
    demo.pools.workers!.deletionOrder = 'random';
    (demo.pools.analysis!.scaling as { evaluationInterval: unknown }).evaluationInterval = 'soon';
    expect(validate(demo)).toBe(false);
    const paths = where(validate.errors);
    expect(paths).toContainEqual(expect.stringMatching(/^\/pools\/analysis\/maxLaunching must be >= 1/));
    expect(paths).toContainEqual(expect.stringMatching(/^\/pools\/workers\/deletionOrder must be equal to one of the allowed values/));
    expect(paths).toContainEqual(expect.stringMatching(/^\/pools\/analysis\/scaling\/evaluationInterval/));
  });

  it('rejects a misspelt field and a bad duration', () => {
    const broken = { pools: { web: { template: 'small', min: 0, max: 2, desird: 1 } }, environments: { templates: { dev: { roles: { app: { template: 'small' } }, ttl: '8 hours' } } } };
    expect(validate(broken)).toBe(false);
    const paths = where(validate.errors);
    expect(paths).toContainEqual(expect.stringMatching(/^\/pools\/web must NOT have additional properties/));
    expect(paths).toContainEqual(expect.stringMatching(/^\/environments\/templates\/dev\/ttl must match pattern/));
  });
});
