import { InitialSchema1764115200000 } from "./1764115200000-initial-schema";
import { ThrottleAndLeases1764201600000 } from "./1764201600000-throttle-and-leases";
import { CoveringTokenIndexes1764288000000 } from "./1764288000000-covering-token-indexes";

/** Every migration in order; listed explicitly so bundlers and tests see the same set. */
export const MIGRATIONS = [
  InitialSchema1764115200000,
  ThrottleAndLeases1764201600000,
  CoveringTokenIndexes1764288000000,
];
