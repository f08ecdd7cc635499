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
    // Other test files share the lease; start past whatever period they may hold.
    server.clock.advance(3_600_000 + Math.floor(Math.random() * 1_000_000));
    const tick = () => Promise.all(instances.map((i) => runPeriodicJobs(i.services, i.ctx)));
    expect((await tick()).filter(Boolean)).toHaveLength(1);
    expect((await tick()).filter(Boolean)).toHaveLength(0);
    server.clock.advance(30_000);
    expect((await tick()).filter(Boolean)).toHaveLength(1);
  });
});
