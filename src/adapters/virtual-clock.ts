import type { Clock } from '../domain/clock.ts';

/** Time that moves only when told to: rehearsals and tests jump straight to the next due timer. */
export class VirtualClock implements Clock {
  #now: number;
  constructor(start: Date) {
    this.#now = start.getTime();
  }
  now(): Date {
    return new Date(this.#now);
  }
  /** Moves to `to`; time never runs backwards. */
  advanceTo(to: Date): void {
    this.#now = Math.max(this.#now, to.getTime());
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}
