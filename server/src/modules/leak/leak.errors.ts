import { LapseError } from "../../errors/lapse-error";

/** The address has sent too many reports of leaked credentials: REST 429 with Retry-After. */
export class LeakReportsThrottled extends LapseError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      "RATE_LIMITED",
      `Too many reports of leaked credentials from this address; try again in ${retryAfterSeconds} seconds.`,
    );
  }
}

/** The partner's public keys could not be had; how it failed goes to the log only. */
export class PartnerKeysUnavailable extends Error {
  override name = "PartnerKeysUnavailable";
}
