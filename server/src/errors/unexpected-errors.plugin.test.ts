import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { createLogger } from "../logger";
import { unexpectedErrorsPlugin } from "./unexpected-errors.plugin";

describe("errors outside resolvers", () => {
  it("are logged with the request id, and the client is given that id", async () => {
    const lines: string[] = [];
    const plugin = unexpectedErrorsPlugin(
      createLogger({ destination: { write: (l: string) => lines.push(l) } }),
    );
    const hooks = (await plugin.requestDidStart!({} as never))!;
    const contextValue = { requestId: "req-7" };
    await hooks.didEncounterErrors!({
      errors: [
        new GraphQLError("boom", { originalError: new Error("socket hang up in a plugin") }),
      ],
      contextValue,
    } as never);
    expect(lines.join("")).toContain("socket hang up in a plugin");
    expect(lines.join("")).toContain('"requestId":"req-7"');

    const response = {
      body: {
        kind: "single",
        singleResult: {
          errors: [
            { message: "Internal server error.", extensions: { code: "INTERNAL_SERVER_ERROR" } },
            { message: "No.", extensions: { code: "FORBIDDEN", requestId: "req-7" } },
          ],
        },
      },
    };
    await hooks.willSendResponse!({ response, contextValue } as never);
    expect(response.body.singleResult.errors).toEqual([
      {
        message: "Internal server error; quote request id req-7 when reporting it.",
        extensions: { code: "INTERNAL_SERVER_ERROR", requestId: "req-7" },
      },
      { message: "No.", extensions: { code: "FORBIDDEN", requestId: "req-7" } },
    ]);
  });
});
