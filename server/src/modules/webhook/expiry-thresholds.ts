import type { Organization } from "../organization/organization.entity";
import { DEFAULT_THRESHOLD_DAYS } from "./webhook.types";

/** The days ahead of expiry that an organization warns at, largest first. */
export function thresholdsOf(organization: Pick<Organization, "expiryThresholds">): number[] {
  const stored = organization.expiryThresholds;
  if (stored === null || stored === undefined) return DEFAULT_THRESHOLD_DAYS;
  return stored === "" ? [] : stored.split(",").map(Number);
}
