/** The exit status of a command ended by Ctrl-C, as shells report it (128 + SIGINT). */
export const INTERRUPTED_EXIT = 130;

/**
 * Runs a wait for work that lives on the server. Ctrl-C during it only stops the watching: the
 * change or operation goes on, so the user is told so in one line, with how to follow or undo
 * it, before the exit with 130. Outside the wait, Ctrl-C keeps its usual meaning.
 */
export async function waitOrInterrupt<T>(notice: () => string, wait: () => Promise<T>): Promise<T> {
  const onInterrupt = () => {
    // A progress bar or the terminal's ^C leaves the cursor mid-line.
    process.stderr.write(`${process.stderr.isTTY ? '\n' : ''}flotte: ${notice()}\n`);
    process.exit(INTERRUPTED_EXIT);
  };
  process.once('SIGINT', onInterrupt);
  try {
    return await wait();
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
