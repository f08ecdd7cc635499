import { CombinedGraphQLErrors } from "@apollo/client/errors";
import { render, screen } from "@testing-library/react";
import { MemoryRouter, Route, Routes, useLocation } from "react-router";
import { afterEach, describe, expect, it } from "vitest";
import { forgetSession, rememberSession } from "../session-end";
import { ErrorView } from "./ErrorView";

const graphQLError = (code: string, message: string) =>
  new CombinedGraphQLErrors({ errors: [{ message, extensions: { code, requestId: "req-42" } }] });

function Where() {
  const location = useLocation();
  return <p data-testid="where">{location.pathname + location.search}</p>;
}

describe("the error view", () => {
  afterEach(forgetSession);

  const landing = (message: string) => {
    render(
      <MemoryRouter initialEntries={["/orgs/acme/tokens"]}>
        <Routes>
          <Route path="/sign-in" element={<Where />} />
          <Route
            path="*"
            element={<ErrorView error={graphQLError("UNAUTHENTICATED", message)} />}
          />
        </Routes>
      </MemoryRouter>,
    );
    const where = new URL(screen.getByTestId("where").textContent!, "http://x");
    return { path: where.pathname, reason: where.searchParams.get("reason") };
  };

  it("gives a first visitor a plain sign-in, with no error", () => {
    expect(landing("Sign in, or send a valid access token in the Authorization header.")).toEqual({
      path: "/sign-in",
      reason: null,
    });
  });

  it("tells someone whose token expired that it ended their session, and when", () => {
    rememberSession({
      expiresAt: "2026-01-01T10:00:00.000Z",
      tokenExpiresAt: "2026-01-01T10:00:00.000Z",
    });
    const { path, reason } = landing(
      "Sign in, or send a valid access token in the Authorization header.",
    );
    expect(path).toBe("/sign-in");
    expect(reason).toMatch(/^Your session ended: the token you signed in with expired at .*2026/);
  });

  it("says access is missing for FORBIDDEN, with the server's sentence naming the role", () => {
    render(
      <ErrorView
        error={graphQLError(
          "FORBIDDEN",
          "Only ADMINs and AUDITORs of acme can read its audit trail.",
        )}
      />,
      {
        wrapper: MemoryRouter,
      },
    );
    expect(screen.getByRole("heading").textContent).toBe("You do not have access");
    expect(screen.getByText(/Only ADMINs and AUDITORs/)).toBeDefined();
  });

  it("shows any other error's message and request id", () => {
    render(<ErrorView error={graphQLError("INTERNAL_SERVER_ERROR", "Internal server error.")} />, {
      wrapper: MemoryRouter,
    });
    expect(screen.getByRole("alert").textContent).toContain("req-42");
  });
});
