/** The whole-operation time budget (`timeoutSeconds`): retries, polling and every request share it. */
export class Deadline {
  readonly expiresAt: number;

  constructor(
    readonly timeoutSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    this.expiresAt = now() + timeoutSeconds * 1000;
  }

  remainingMs(): number {
    return Math.max(0, this.expiresAt - this.now());
  }

  expired(): boolean {
    return this.remainingMs() <= 0;
  }

  elapsedMs(): number {
    return this.timeoutSeconds * 1000 - (this.expiresAt - this.now());
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** A monotonic clock (ms) for ordering events within the provider process. */
export function now(): number {
  return performance.now();
}
