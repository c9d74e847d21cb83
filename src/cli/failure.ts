import { Refusal } from '../domain/refusal.js';

/** Set to 1 to see the stack trace of any failure the CLI reports. */
export const DEBUG_ENV = 'FLOTTE_DEBUG';

/**
 * What a person sees when a command fails: one line, `flotte: …`. A Refusal is expected and
 * says what to do; anything else is a bug or an outside failure, reported by its message with
 * the way to get its stack. Returns the exit code.
 */
export function reportFailure(e: unknown, write: (text: string) => void, env: NodeJS.ProcessEnv = process.env): 1 | 2 {
  const debug = env[DEBUG_ENV] === '1';
  const err = e instanceof Error ? e : new Error(String(e));
  if (err instanceof Refusal) {
    write(`flotte: ${err.message}\n${debug && err.stack ? `${err.stack}\n` : ''}`);
    return err.exitCode;
  }
  write(debug ? `flotte: ${err.stack ?? err.message}\n` : `flotte: ${err.message} (unexpected: set ${DEBUG_ENV}=1 for the stack trace)\n`);
  return 1;
}

/**
 * A reader that went away (`flotte events | head -3`) ends the command quietly, like any Unix
 * tool: without this, the next write raises EPIPE as an uncaught error with a stack.
 */
export function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream, exit: (code: number) => void): void {
  stream.on('error', (e: NodeJS.ErrnoException) => exit(e.code === 'EPIPE' ? 0 : reportFailure(e, (t) => process.stderr.write(t))));
}
