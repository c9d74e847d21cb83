import { SingleBar } from 'cli-progress';

/**
 * Virtual hours done, on stderr: a bar on a terminal, and a line every tenth of the run
 * otherwise (a CI log gets a few lines, not one per hour).
 */
export class Progress {
  private readonly bar: SingleBar | undefined;
  private lastLine = 0;

  constructor(
    private readonly label: string,
    private readonly hours: number,
  ) {
    if (process.stderr.isTTY) {
      this.bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} virtual h, {duration_formatted}`, stream: process.stderr, hideCursor: true });
      this.bar.start(Math.ceil(hours), 0);
    }
  }

  at(hour: number): void {
    if (this.bar) return this.bar.update(hour);
    if (hour - this.lastLine < this.hours / 10) return;
    this.lastLine = hour;
    process.stderr.write(`${this.label}: ${hour}/${Math.ceil(this.hours)} virtual h\n`);
  }

  done(): void {
    this.bar?.stop();
  }
}
