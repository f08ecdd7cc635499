import type { AddressInfo } from "node:net";
import { createTransport } from "nodemailer";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachFreshStore, type TestServer } from "../../../test/harness";
import { CREATE_PERSONAL_TOKEN, CREATE_TEAM_TOKEN, mustCreate } from "../../../test/operations";
import {
  backgroundContext,
  seedOrg,
  uniqueName,
  type Person,
  type SeededOrg,
} from "../../../test/seed";
import { DAY_MS } from "../../clock";
import { TeamRole } from "../team/team.types";
import { runPeriodicJobs } from "../jobs/periodic-jobs";

interface Mail {
  to: string;
  subject: string;
  text: string;
  /** The test clock's day when it arrived. */
  day: string;
}

/** A real SMTP server in the test process: what it receives, decoded. */
const inbox: Mail[] = [];
let clockOfServer: TestServer | null = null;
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const [head, ...body] = raw.split("\r\n\r\n");
      const header = (name: string) =>
        new RegExp(`^${name}: (.*)$`, "mi").exec(head!)?.[1]?.trim() ?? "";
      const text = /quoted-printable/i.test(head!)
        ? decodeQuotedPrintable(body.join("\r\n\r\n"))
        : body.join("\r\n\r\n");
      inbox.push({
        to: session.envelope.rcptTo.map((r) => r.address).join(","),
        subject: header("Subject"),
        text,
        day: clockOfServer!.clock.now().toISOString().slice(0, 10),
      });
      callback();
    });
  },
});
let smtpPort = 0;

function decodeQuotedPrintable(text: string): string {
  return text
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

beforeAll(async () => {
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

const transport = {
  sendMail: (message: Parameters<ReturnType<typeof createTransport>["sendMail"]>[0]) =>
    createTransport({ host: "127.0.0.1", port: smtpPort, secure: false, ignoreTLS: true }).sendMail(
      message,
    ),
};

const SET_EMAIL = `mutation($e: String) { setNotificationEmail(email: $e) }`;

async function withEmail(server: TestServer, person: Person, email: string): Promise<void> {
  const set = await server.gql(SET_EMAIL, { e: email }, person.secret);
  expect(set.errors).toBeUndefined();
}

/** Half-day sweeps, as the periodic job runs them, for `days`. */
async function sweepFor(server: TestServer, days: number): Promise<void> {
  const services = server.lapse.services;
  const ctx = backgroundContext(server);
  // The clock restarts with each test, and the last test's lease runs to its later instant.
  await server.dataSource.query("DELETE FROM job_leases");
  for (let passed = 0; passed < days * DAY_MS; passed += DAY_MS / 2) {
    server.clock.advance(DAY_MS / 2);
    await runPeriodicJobs(services, ctx);
  }
}

describeEachFreshStore(
  "expiry digests by email",
  (server) => {
    let org: SeededOrg;
    let team: string;
    let maintainer: Person;

    beforeAll(() => {
      clockOfServer = server;
    });

    it("sends the token's owner and its team's MAINTAINERs one digest a day, with a link to each token", async () => {
      inbox.length = 0;
      org = await seedOrg(server);
      team = await org.team();
      maintainer = await org.member();
      const bystander = await org.member();
      await org.addToTeam(team, maintainer, TeamRole.MAINTAINER);
      await org.addToTeam(team, bystander, TeamRole.MEMBER);
      const mail = {
        maintainer: `${uniqueName("m")}@example.com`,
        admin: `${uniqueName("a")}@example.com`,
      };
      await withEmail(server, maintainer, mail.maintainer);
      await withEmail(server, org.admin, mail.admin);
      await withEmail(server, bystander, `${uniqueName("b")}@example.com`);
      const at = (days: number) =>
        new Date(server.clock.now().getTime() + days * DAY_MS).toISOString();
      const team1 = await mustCreate(
        server,
        CREATE_TEAM_TOKEN,
        { organization: org.name, team, name: "deploy", expiresAt: at(10.2) },
        org.admin.secret,
      );
      const team2 = await mustCreate(
        server,
        CREATE_TEAM_TOKEN,
        { organization: org.name, team, name: "backup", expiresAt: at(10.3) },
        org.admin.secret,
      );
      const personal = await mustCreate(
        server,
        CREATE_PERSONAL_TOKEN,
        { name: "laptop", expiresAt: at(10.2) },
        org.admin.secret,
      );

      await sweepFor(server, 10.5);

      const to = (address: string) => inbox.filter((m) => m.to === address);
      // The 7-day warnings of both team tokens in one digest, then the 1-day ones on another day.
      expect(to(mail.maintainer)).toHaveLength(2);
      const [first, second] = to(mail.maintainer);
      expect(first!.subject).toBe("Lapse: 2 tokens expire soon");
      expect(first!.text).toContain("deploy (team token");
      expect(first!.text).toContain("backup (team token");
      expect(first!.text).toContain(`/orgs/${org.name}/tokens?token=${team1.token.id}`);
      expect(first!.text).toContain(`/orgs/${org.name}/tokens?token=${team2.token.id}`);
      expect(first!.text).toContain("within 7 days");
      expect(second!.text).toContain("within 1 days");
      expect(first!.day).not.toBe(second!.day);
      expect(to(mail.admin).map((m) => m.subject)).toEqual([
        "Lapse: laptop expires within 7 days",
        "Lapse: laptop expires within 1 days",
      ]);
      expect(to(mail.admin)[0]!.text).toContain(`?token=${personal.token.id}`);
      // A team MEMBER is not a MAINTAINER: nothing.
      expect(inbox.filter((m) => ![mail.maintainer, mail.admin].includes(m.to))).toHaveLength(0);
      const days = new Set(inbox.map((m) => `${m.to} ${m.day}`));
      expect(days.size).toBe(inbox.length);
      for (const message of inbox) {
        for (const secret of [team1.secret, team2.secret, personal.secret])
          expect(message.text).not.toContain(secret);
      }
    });

    it("holds a token that crosses after today's digest went until tomorrow's", async () => {
      const other = await seedOrg(server);
      const address = `${uniqueName("o")}@example.com`;
      await withEmail(server, other.admin, address);
      const at = (days: number) =>
        new Date(server.clock.now().getTime() + days * DAY_MS).toISOString();
      // Crosses 7 days left at 3.2 days (picked up by the 00:00 sweep), and at 3.7 (the 12:00
      // sweep of the same UTC day).
      await mustCreate(
        server,
        CREATE_PERSONAL_TOKEN,
        { name: "early", expiresAt: at(10.2) },
        other.admin.secret,
      );
      await mustCreate(
        server,
        CREATE_PERSONAL_TOKEN,
        { name: "late", expiresAt: at(10.7) },
        other.admin.secret,
      );
      await sweepFor(server, 10.5);
      const mine = inbox.filter((m) => m.to === address);
      expect(mine.map((m) => [m.day, m.subject])).toEqual([
        ["2026-11-30", "Lapse: early expires within 7 days"],
        ["2026-12-01", "Lapse: late expires within 7 days"],
        ["2026-12-06", "Lapse: early expires within 1 days"],
        ["2026-12-07", "Lapse: late expires within 1 days"],
      ]);
    });

    it("refuses an address that is not one", async () => {
      const other = await seedOrg(server);
      for (const email of ["nobody", "a@b", "x@example.com, y@example.com", "<x@example.com>"]) {
        const refused = await server.gql(SET_EMAIL, { e: email }, other.admin.secret);
        expect(refused.errors?.[0]?.extensions?.code, email).toBe("BAD_USER_INPUT");
      }
    });
  },
  {
    email: {
      transport,
      from: "Lapse <lapse@example.com>",
      consoleUrl: "https://lapse.example.com",
    },
  },
);

describeEachFreshStore("expiry warnings without SMTP_URL", (server) => {
  it("queue no email and attempt none", async () => {
    const org = await seedOrg(server);
    await withEmail(server, org.admin, "admin@example.com");
    await mustCreate(
      server,
      CREATE_PERSONAL_TOKEN,
      {
        name: "laptop",
        expiresAt: new Date(server.clock.now().getTime() + 10 * DAY_MS).toISOString(),
      },
      org.admin.secret,
    );
    await sweepFor(server, 10.5);
    expect(await server.count("audit_events", "type = 'TOKEN_EXPIRING'")).toBe(2);
    expect(await server.count("email_notices")).toBe(0);
    expect(await server.count("email_digests")).toBe(0);
  });
});
