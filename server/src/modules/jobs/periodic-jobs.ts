import type { AuditContext } from "../audit/audit.service";
import type { Services } from "../../services";
import { SWEEP_INTERVAL_MS } from "../token/expiry-sweep.service";
import { EXPIRY_STATS_INTERVAL_MS } from "../metrics/expiry-stats.service";

/** The lease is a little shorter than the period, so the holder's next tick finds it free. */
const LEASE_MS = SWEEP_INTERVAL_MS - 1_000;

/**
 * One tick of the background work: the expiry sweep (which records lapsed tokens in the trail),
 * the expiry warnings (once per token per threshold) and their daily email digests, the pruning of
 * spent failed-authentication counters, and the expiry counts /metrics reports. Every instance
 * ticks; the lease lets one of them do the work each period. Returns whether this instance ran it.
 */
export async function runPeriodicJobs(services: Services, ctx: AuditContext): Promise<boolean> {
  const now = ctx.clock.now();
  if (!(await services.leases.tryAcquire("expiry-sweep", now, LEASE_MS))) return false;
  await services.expirySweep.sweep(ctx);
  await services.expiryWarnings.warn(ctx);
  await services.emailDigests.sendDigests(ctx);
  await services.authThrottle.prune(now.getTime());
  // The per-organization expiry counts of /metrics: a grouped read, so every 5 minutes at most.
  if (await services.leases.tryAcquire("expiry-stats", now, EXPIRY_STATS_INTERVAL_MS)) {
    await services.expiryStats.refresh(now);
  }
  return true;
}
