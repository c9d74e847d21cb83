import { CommanderError } from 'commander';
import { endQuietlyOnClosedPipe, reportFailure } from './failure.js';
import { program } from './program.js';

endQuietlyOnClosedPipe(process.stdout, (code) => process.exit(code));
try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  process.exit(reportFailure(e, (text) => process.stderr.write(text)));
}
