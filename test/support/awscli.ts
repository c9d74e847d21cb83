import { spawn, spawnSync } from 'node:child_process';
import { describe, it } from 'vitest';
import { inCi } from './services.js';
import { tempDir } from './process.js';

/** True when Debian's `aws` (awscli) is on the PATH. */
export function hasAwsCli(): boolean {
  return spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Like serviceSuite: a loud skip off CI without the binary, a failure under CI=true. */
export function awsCliSuite(title: string, body: () => void): void {
  const up = hasAwsCli();
  if (!up && inCi()) {
    describe(title, () => it('needs the aws binary (apt-get install -y awscli)', () => { throw new Error('aws (awscli) not installed, and CI=true forbids skipping'); }));
    return;
  }
  if (!up) console.warn(`\n${'!'.repeat(72)}\n!!  SKIPPED: "${title}" — no aws binary (apt-get install -y awscli)\n!!  (with CI=true this is a failure)\n${'!'.repeat(72)}\n`);
  describe.runIf(up)(title, body);
}

export interface AwsResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `aws ec2 …` against `endpoint` as a user would, with throw-away keys and nothing read
 * from the caller's ~/.aws or an instance metadata service.
 */
export function awsEc2(endpoint: string, region: string, args: string[]): Promise<AwsResult> {
  const home = tempDir('flotte-awscli-');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    AWS_ACCESS_KEY_ID: 'AKIDFLOTTETEST',
    AWS_SECRET_ACCESS_KEY: 'not-a-secret',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
    AWS_PAGER: '',
  };
  return new Promise((resolve) => {
    const child = spawn('aws', ['ec2', ...args, '--endpoint-url', endpoint, '--region', region, '--output', 'json'], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
