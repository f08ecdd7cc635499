import { describe, expect, it } from "vitest";
import type { RequestContext } from "../context";
import { assertWithinCaller } from "../modules/token/token.service";
import { TokenKind } from "../modules/token/token.types";
import { Action, authorizeCaller, decide, factsFor } from "./authorization";
import { personFor } from "./principal";
import { LapseScope } from "./scopes";

/** A console session made by single sign-on: a person with no token behind them. */
const ctx = { principal: personFor("user-1", "ada@idp.example") } as RequestContext;

describe("a single sign-on session, to the authorization module", () => {
  it("is a person, not minted, holding every Lapse scope of a personal token", () => {
    const facts = factsFor(ctx);
    expect(facts).toMatchObject({ authenticated: true, person: true, minted: false, self: false });
    expect([...facts.scopes].sort()).toEqual(Object.values(LapseScope).sort());
    expect(ctx.principal!.kind).toBe(TokenKind.PERSONAL);
  });

  it("is a site admin exactly when the user is one", () => {
    expect(decide(Action.CreateOrganization, factsFor(ctx, { siteAdmin: true }))).toBeNull();
    expect(decide(Action.CreateOrganization, factsFor(ctx, { siteAdmin: false }))?.code).toBe(
      "FORBIDDEN",
    );
  });

  it("passes the caller checks of people-only actions, and bounds no new token by a token's expiry", () => {
    expect(() => authorizeCaller(ctx, Action.CreatePersonalToken)).not.toThrow();
    expect(() => authorizeCaller(ctx, Action.ManageOidcIssuers)).not.toThrow();
    expect(() => assertWithinCaller(ctx, null)).not.toThrow();
    expect(() => assertWithinCaller(ctx, new Date("2030-01-01T00:00:00Z"))).not.toThrow();
  });
});
