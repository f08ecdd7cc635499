import { InitialSchema1764115200000 } from "./1764115200000-initial-schema";

/** Every migration in order; listed explicitly so bundlers and tests see the same set. */
export const MIGRATIONS = [InitialSchema1764115200000];
