/** Time, injected: the ritual never reads the wall clock itself, so tests and rehearsals run in virtual time. */
export interface Clock {
  now(): Date;
}
