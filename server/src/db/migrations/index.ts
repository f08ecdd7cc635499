import { InitialSchema1764115200000 } from "./1764115200000-initial-schema";
import { ThrottleAndLeases1764201600000 } from "./1764201600000-throttle-and-leases";

/** Every migration in order; listed explicitly so bundlers and tests see the same set. */
export const MIGRATIONS = [InitialSchema1764115200000, ThrottleAndLeases1764201600000];
