import { expect, it } from "vitest";
import { describeEachStore } from "../../../test/harness";
import { systemContext } from "../../context";
import { createLoaders } from "../../loaders";
import { createServices } from "../../services";
import { JobLeaseService } from "./job-lease.service";
import { runPeriodicJobs } from "./periodic-jobs";
import { uniqueName } from "../../../test/seed";

describeEachStore("job leases", (server) => {
  it("gives a lease to exactly one of several instances asking at once, for one period", async () => {
    const instances = Array.from({ length: 3 }, () => new JobLeaseService(server.dataSource));
    const job = uniqueName("job");
    const ask = () =>
      Promise.all(instances.map((i) => i.tryAcquire(job, server.clock.now(), 30_000)));

    expect((await ask()).filter(Boolean)).toHaveLength(1);
    server.clock.advance(29_999);
    expect((await ask()).filter(Boolean)).toHaveLength(0);
    server.clock.advance(1);
    expect((await ask()).filter(Boolean)).toHaveLength(1);
  });

  it("runs the periodic jobs on one instance per period", async () => {
    const instances = [0, 1, 2].map(() => {
      const services = createServices(server.dataSource, server.logger);
      const ctx = systemContext(
        {
          clock: server.clock,
          logger: server.logger,
          services,
          loaders: createLoaders(server.dataSource),
        },
        "lapse-expiry-sweep",
      );
      return { services, ctx };
    });
    // The MySQL test database outlives a run, and an earlier run's lease may still be current at
    // this test's instant: start with no holder.
    await server.dataSource.query("DELETE FROM job_leases WHERE name = 'expiry-sweep'");
    const tick = () => Promise.all(instances.map((i) => runPeriodicJobs(i.services, i.ctx)));
    expect((await tick()).filter(Boolean)).toHaveLength(1);
    expect((await tick()).filter(Boolean)).toHaveLength(0);
    server.clock.advance(30_000);
    expect((await tick()).filter(Boolean)).toHaveLength(1);
  });
});
