/**
 * Something flotte declines to do for a reason a person can act on: damaged state, a busy
 * port, a config that names a cloud nobody defined. The message is the whole story, one line
 * saying what is wrong and what to do; the CLI prints it without a stack trace and exits with
 * `exitCode` (1: it could not be done; 2: the input was bad).
 */
export class Refusal extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'Refusal';
  }
}
