/**
 * A rate limit as Kinesis applies it per shard: `perSecond` units refill continuously, up to
 * one second's worth. `take` may overdraw (one large read), which then blocks until repaid.
 */
export class TokenBucket {
  private readonly perSecond: number;
  private tokens: number;
  private refilledAt: number;

  constructor(perSecond: number, now: number) {
    this.perSecond = perSecond;
    this.tokens = perSecond;
    this.refilledAt = now;
  }

  available(now: number): number {
    this.tokens = Math.min(
      this.perSecond,
      this.tokens + ((now - this.refilledAt) / 1000) * this.perSecond,
    );
    this.refilledAt = now;
    return this.tokens;
  }

  take(amount: number): void {
    this.tokens -= amount;
  }
}
