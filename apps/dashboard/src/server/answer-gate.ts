/**
 * Lets at most `limit` answers be made at once; the others wait their turn, at most `queue` of
 * them. An answer of many runs' points is held whole in memory until it is sent, so this bounds
 * what the server holds for answers by `limit` of them, however many requests arrive together.
 */
export class AnswerGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly limit: number,
    readonly queue: number,
  ) {}

  /**
   * Wait for a turn; resolves to the function that ends it (call it once the answer is sent or
   * dropped), or to undefined when `queue` requests wait already: the server is busy.
   */
  async enter(): Promise<(() => void) | undefined> {
    if (this.active < this.limit) {
      this.active++;
      return this.leaver();
    }
    if (this.waiting.length >= this.queue) return undefined;
    // The turn of an answer that ends is handed on as it is, without counting down and up.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    return this.leaver();
  }

  private leaver(): () => void {
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}
