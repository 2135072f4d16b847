/** A sleep that something else can cut short (a batch finished, the runtime is stopping). */
export class Wakeup {
  #wake: (() => void) | undefined;
  #pending = false;

  /** Resolves after `ms`, or sooner on `notify()` (at once if one came since the last wait). */
  wait(ms: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }

  notify(): void {
    if (this.#wake) this.#wake();
    else this.#pending = true;
  }
}
