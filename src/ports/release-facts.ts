/** What the go/no-go knows about a release beyond the preflight (RITUAL §4): its CI run and its test coverage. */

export interface CiStatus {
  /** whether the pipeline of this release is green */
  green: boolean;
  /** what the source said, e.g. "success" */
  said: string;
}

/** Each answers undefined when no source is configured: the item is then unknown, never a pass. */
export interface ReleaseFacts {
  ci(): Promise<CiStatus | undefined>;
  /** total line coverage, in percent */
  coverage(): Promise<number | undefined>;
}
