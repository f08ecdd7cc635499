import { afterAll, beforeAll, expect, it } from "vitest";
import { describe } from "vitest";
import { ManualClock } from "../../test/clock";
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

    const cli = async (...argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(argv, {
        env: { DATABASE_URL: database.url },
        clock,
        out: (line) => out.push(line),
        err: (line) => err.push(line),
      });
      return { code, out, err };
    };
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

    it("bootstraps an organization and prints the admin's token as the last line", async () => {
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
      const secret = result.out.at(-1)!;
      expect(secret).toMatch(/^lapse_pat_[0-9A-Za-z]{38}$/);
      const token = await stored(secret);
      expect(token).toMatchObject({
        kind: "PERSONAL",
        name: "bootstrap",
        source: "CLI",
        expiresAt: null,
      });

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
