/**
 * The emulator's own timers, kept in one place so stop() and reset() can end them:
 * delays (latency, fault delays) that stop() cuts short, and deferred work (applyDelayMs)
 * that reset() and stop() cancel.
 */
export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>();
  private readonly sleepers = new Set<() => void>();

  /** Resolves after ms, or at once when wakeAll() runs (so stop never waits on a delay). */
  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(t);
        this.sleepers.delete(wake);
        resolve();
      };
      const t = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  /** Runs fn after ms unless cancelPending() runs first; does not keep the process alive. */
  later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.pending.delete(t);
      fn();
    }, ms);
    t.unref();
    this.pending.add(t);
  }

  cancelPending(): void {
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
  }

  wakeAll(): void {
    for (const wake of [...this.sleepers]) wake();
    this.sleepers.clear();
  }
}
