// The one way the page drops a stale response. A view owns a Latest; each of its parts asks the
// view for a child. `take(promise)` resolves to STALE when a later `take` on the same Latest has
// started, or when it or an ancestor was closed (the view was left) before the promise settled.

export const STALE: unique symbol = Symbol('stale');
export type Taken<T> = T | typeof STALE;

export class Latest {
  private generation = 0;
  private closed = false;

  constructor(private readonly parent: Latest | null = null) {}

  /** A Latest that goes stale with this one, but whose takes do not supersede this one's. */
  child(): Latest {
    return new Latest(this);
  }

  /** Every later take resolves to STALE, and so does every pending one. */
  close(): void {
    this.closed = true;
  }

  isOpen(): boolean {
    return !this.closed && (this.parent?.isOpen() ?? true);
  }

  /** The value of `work`, or STALE when superseded or closed meanwhile; errors of stale work are dropped too. */
  async take<T>(work: Promise<T>): Promise<Taken<T>> {
    const mine = ++this.generation;
    const current = () => mine === this.generation && this.isOpen();
    try {
      const value = await work;
      return current() ? value : STALE;
    } catch (e) {
      if (!current()) return STALE;
      throw e;
    }
  }
}
