import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Vitest's order (files that failed or ran longest last time first, else the largest), with the
 * real OpenStack suites placed by hand: on a clean clone there is no timing cache, and they came
 * last, when minutes of waiting on Nova were the whole run's tail.
 *
 * - The pool's whole life on OpenStack goes first: it waits on Nova for about 7 minutes while the
 *   other worker gets through the rest.
 * - The OpenStack environments suite goes last, so the two never run side by side: the first sets
 *   the demo project's instance quota low for a moment, which would refuse the second's servers.
 */
const FIRST = ['test/openstack.service.test.ts'];
const LAST = ['test/openstack-environments.service.test.ts'];

export class FlotteSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => (FIRST.some((p) => f.moduleId.endsWith(p)) ? 0 : LAST.some((p) => f.moduleId.endsWith(p)) ? 2 : 1);
    // Array.prototype.sort is stable: within a rank, vitest's own order holds.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
