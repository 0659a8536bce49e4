// A long-lived client process driven one JSON line at a time (boto3_matrix.py):
// one interpreter start for a whole scenario instead of one per step.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

export type StepResult = { ok: boolean; error?: Record<string, unknown> } & Record<string, unknown>;

export class LineDriver {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: AsyncIterator<string>;
  #stderr = '';

  constructor(command: string, args: readonly string[], env: Record<string, string>) {
    this.#child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.stderr.on('data', (c: Buffer) => {
      this.#stderr = (this.#stderr + c.toString()).slice(-20_000);
    });
    this.#lines = createInterface({ input: this.#child.stdout })[Symbol.asyncIterator]();
  }

  /** The next line the process prints, as JSON. */
  async read(): Promise<StepResult> {
    const next = await this.#lines.next();
    if (next.done) throw new Error(`the client process ended (exit ${this.#child.exitCode})\n${this.#stderr}`);
    return JSON.parse(next.value) as StepResult;
  }

  async call(step: string, args: Record<string, unknown> = {}): Promise<StepResult> {
    this.#child.stdin.write(JSON.stringify({ step, args }) + '\n');
    return this.read();
  }

  get stderr(): string {
    return this.#stderr;
  }

  stop(): void {
    this.#child.stdin.end();
    this.#child.kill();
  }
}
