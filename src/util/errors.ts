// Typed errors with `cause`, so adapters can turn HTTP/process results into something a caller can
// branch on, and so the original failure is never lost.

export class MetalLBError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input a user wrote (a CR, a YAML file, a flag) is wrong; the message says what to change. */
export class ValidationError extends MetalLBError {
  constructor(
    message: string,
    readonly problems: readonly string[] = [message],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A command-line usage mistake: printed with the command's usage, exit code 2. */
export class UsageError extends MetalLBError {}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
