/** What the CLI touches of the outside world, so tests can run it in-process. */
export interface CliIo {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdoutIsTTY: boolean;
  write(text: string): void;
  error(text: string): void;
  /** Standard input's bytes (or text, in tests): decoded and checked as a file's are. */
  readStdin(): Promise<string | Uint8Array>;
}

export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

/** A mistake on the command line: reported in one line with a pointer to --help, exit status 2. */
export class CliUsageError extends Error {}
