import { afterAll, beforeAll, expect, it } from "vitest";
import { describe } from "vitest";
import { ManualClock } from "../../test/clock";
import { leaveInterruptedFirstMigration } from "../../test/mysql-schema";
import { freshDatabase, testStores } from "../../test/stores";
import { openDatabase } from "../db/data-source";
import { digestSecret } from "../auth/token-secret";
import { AccessToken } from "../modules/token/access-token.entity";
import { runCli, USAGE } from "./run-cli";

for (const store of testStores()) {
  describe(`lapse CLI [${store.kind}]`, () => {
    let database: { url: string; drop(): Promise<void> };
    const clock = new ManualClock();
    beforeAll(async () => {
      database = await freshDatabase(store);
    });
    afterAll(() => database.drop());

    const cli = (...argv: string[]) => runOn(database.url, clock, argv);
    const in30Days = () => new Date(clock.now().getTime() + 30 * 86_400_000).toISOString();
    const stored = async (secret: string) => {
      const dataSource = await openDatabase(database.url);
      try {
        return await dataSource.manager.findOneBy(AccessToken, { digest: digestSecret(secret) });
      } finally {
        await dataSource.destroy();
      }
    };

    it("migrates an empty database", async () => {
      expect(await cli("migrate")).toEqual({
        code: 0,
        out: ["Migrations are up to date."],
        err: [],
      });
    });

    it("bootstraps an organization and prints the admin's token, which expires in 30 days, as the last line", async () => {
      const result = await cli(
        "bootstrap",
        "--org",
        "initech",
        "--admin",
        "peter",
        "--edition",
        "business_critical",
      );
      expect(result.code).toBe(0);
      expect(result.out[0]).toBe(
        `Created organization initech with admin peter; their token "bootstrap" expires ${in30Days()} (shown once):`,
      );
      const secret = result.out.at(-1)!;
      expect(secret).toMatch(/^lapse_pat_[0-9A-Za-z]{38}$/);
      const token = await stored(secret);
      expect(token).toMatchObject({ kind: "PERSONAL", name: "bootstrap", source: "CLI" });
      expect(token!.expiresAt!.toISOString()).toBe(in30Days());

      const again = await cli("bootstrap", "--org", "initech", "--admin", "peter");
      expect(again.code).toBe(1);
      expect(again.err[0]).toMatch(/already exists/);
    });

    it("mints a personal token for an existing user with --expires-in", async () => {
      const result = await cli(
        "user-token",
        "--login",
        "peter",
        "--name",
        "laptop",
        "--expires-in",
        "12h",
      );
      expect(result.code).toBe(0);
      const token = await stored(result.out.at(-1)!);
      expect(token!.expiresAt!.toISOString()).toBe(
        new Date(clock.now().getTime() + 12 * 3_600_000).toISOString(),
      );
      expect(token!.name).toBe("laptop");
    });

    it("bootstraps an existing login into a second organization without clashing on the token name", async () => {
      const result = await cli("bootstrap", "--org", "globex", "--admin", "peter");
      expect(result.code).toBe(0);
      expect(result.out[0]).toMatch(/their token "bootstrap-2" expires /);
      expect((await stored(result.out.at(-1)!))!.name).toBe("bootstrap-2");
    });

    it("gives user-token 30 days unless told, and says when it expires", async () => {
      const result = await cli("user-token", "--login", "peter", "--name", "desktop");
      expect(result.out[0]).toBe(
        `Created personal token "desktop" for peter; it expires ${in30Days()} (shown once):`,
      );
      expect((await stored(result.out.at(-1)!))!.expiresAt!.toISOString()).toBe(in30Days());
    });

    it("makes a token that never expires only for --expires-in never, and says so", async () => {
      for (const argv of [
        ["user-token", "--login", "peter", "--name", "forever", "--expires-in", "never"],
        ["bootstrap", "--org", "umbrella", "--admin", "alice", "--expires-in", "never"],
      ]) {
        const result = await cli(...argv);
        expect(result.code).toBe(0);
        expect(result.out[0]).toMatch(/ never expires \(shown once\):$/);
        expect((await stored(result.out.at(-1)!))!.expiresAt).toBeNull();
      }
    });

    it("names two tokens made in the same second apart", async () => {
      const first = await cli("user-token", "--login", "peter");
      const second = await cli("user-token", "--login", "peter");
      const stamp = clock.now().toISOString().slice(0, 19);
      expect([first.code, second.code]).toEqual([0, 0]);
      expect((await stored(first.out.at(-1)!))!.name).toBe(`cli-${stamp}`);
      expect((await stored(second.out.at(-1)!))!.name).toBe(`cli-${stamp}-2`);
    });

    it("refuses unknown users, bad durations and bad editions with exit code 1", async () => {
      expect((await cli("user-token", "--login", "nobody")).err[0]).toMatch(
        /No user with login "nobody"/,
      );
      const duration = await cli("user-token", "--login", "peter", "--expires-in", "soon");
      expect(duration.code).toBe(1);
      expect(duration.err[0]).toMatch(/not a duration/);
      const edition = await cli("bootstrap", "--org", "x", "--admin", "y", "--edition", "PLATINUM");
      expect(edition).toMatchObject({
        code: 1,
        err: [expect.stringMatching(/--edition must be one of/)],
      });
    });

    it("prints usage and exits 2 for an unknown command or missing options", async () => {
      for (const argv of [
        [],
        ["frobnicate"],
        ["bootstrap", "--org", "x"],
        ["user-token"],
        ["migrate", "--bogus"],
      ]) {
        expect(await cli(...argv)).toEqual({ code: 2, out: [], err: [USAGE] });
      }
    });
  });
}

/** Runs one CLI command on `url`, collecting what it printed. */
async function runOn(url: string, clock: ManualClock, argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    env: { DATABASE_URL: url },
    clock,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out, err };
}

for (const store of testStores()) {
  if (store.kind !== "mysql") continue;

  describe("lapse migrate on a database a failed first start left", () => {
    it("drops the empty leftover tables and migrates, saying so", async () => {
      const database = await freshDatabase(store, {});
      try {
        await leaveInterruptedFirstMigration(database.url);
        expect(await runOn(database.url, new ManualClock(), ["migrate"])).toEqual({
          code: 0,
          out: ["Migrations are up to date."],
          err: [
            "Dropped the empty tables users, organizations, left by a first migration that did not finish; migrating again.",
          ],
        });
      } finally {
        await database.drop();
      }
    });

    it("refuses in one line that says what to do when the leftovers hold rows", async () => {
      const database = await freshDatabase(store, {});
      try {
        await leaveInterruptedFirstMigration(database.url, true);
        const result = await runOn(database.url, new ManualClock(), ["migrate"]);
        expect(result.code).toBe(1);
        expect(result.err).toHaveLength(1);
        expect(result.err[0]).toMatch(
          /^lapse: The database has Lapse's tables users, organizations but no record .* \(DROP TABLE `users`, `organizations`;\) and run `npm run lapse -- migrate`/,
        );
      } finally {
        await database.drop();
      }
    });
  });
}
