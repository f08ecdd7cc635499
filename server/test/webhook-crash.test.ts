import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServerProcess } from "./lapse-process";
import { CREATE_PERSONAL_TOKEN } from "./operations";
import { freshDatabase, testStores } from "./stores";
import { WebhookReceiver, verify } from "./webhook-receiver";
import { CREATE_WEBHOOK } from "./webhooks";

const ENV = {
  LAPSE_WEBHOOK_KEY: "crash-test-webhook-key-0123456789abcdef",
  LAPSE_WEBHOOK_ALLOW_PRIVATE: "true",
};

/**
 * The outbox proved against a real crash: a server process is killed (SIGKILL) after it committed
 * events, one of them mid-delivery and one perhaps not yet picked up, and a new process on the same
 * database delivers both, with the webhook-ids the first one used.
 */
for (const store of testStores()) {
  describe(`webhooks across a killed process [${store.kind}]`, () => {
    let database: Awaited<ReturnType<typeof freshDatabase>>;
    let receiver: WebhookReceiver;
    const processes: ServerProcess[] = [];

    beforeAll(async () => {
      database = await freshDatabase(store);
      receiver = await new WebhookReceiver().start();
    });
    afterAll(async () => {
      await Promise.all(processes.map((p) => p.stop()));
      await receiver.stop();
      await database.drop();
    });

    it("loses no event committed before the kill", { timeout: 90_000 }, async () => {
      const first = new ServerProcess(database.url, ENV);
      processes.push(first);
      await first.start();
      const admin = first.printedToken!;
      const hook = await first.gql<{ createWebhook: { secret: string } }>(admin, CREATE_WEBHOOK, {
        organization: "acme",
        url: receiver.url,
        events: ["TOKEN_CREATED"],
      });
      expect(hook.errors).toBeUndefined();
      const secret = hook.data!.createWebhook.secret;

      // The receiver takes the first delivery and never answers: the sender is mid-attempt.
      receiver.answer = () => "hang";
      const create = async (name: string) => {
        const started = performance.now();
        const created = await first.gql<{ createPersonalToken: { token: { id: string } } }>(
          admin,
          CREATE_PERSONAL_TOKEN,
          { name, expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
        );
        expect(created.errors).toBeUndefined();
        // A receiver that does not answer never slows the API.
        expect(performance.now() - started).toBeLessThan(1_000);
        return created.data!.createPersonalToken.token.id;
      };
      const inFlight = await create("in-flight");
      await receiver.waitFor(1);
      const committed = await create("committed");
      await first.kill();

      receiver.answer = () => 204;
      const second = new ServerProcess(database.url, ENV);
      processes.push(second);
      await second.start();
      // The in-flight delivery waits out its dead sender's lease (15 s), then is sent again.
      const deadline = Date.now() + 60_000;
      const answered = () =>
        receiver.received
          .filter((r, i) => i >= 1 && r.body.length > 0)
          .map((r) => verify(secret, r) as { type: string; data: { token: { id: string } } });
      while (Date.now() < deadline) {
        const ids = new Set(answered().map((e) => e.data.token.id));
        if (ids.has(inFlight) && ids.has(committed)) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const events = answered();
      expect(new Set(events.map((e) => e.data.token.id))).toEqual(new Set([inFlight, committed]));
      expect(events.every((e) => e.type === "token.created")).toBe(true);
      // The retry carries the webhook-id of the attempt the killed process began.
      const firstId = receiver.received[0]!.headers["webhook-id"];
      expect(receiver.received.slice(1).map((r) => r.headers["webhook-id"])).toContain(firstId);
    });
  });
}
