import { CombinedGraphQLErrors } from "@apollo/client/errors";
import { render, screen } from "@testing-library/react";
import { MemoryRouter, Route, Routes, useLocation } from "react-router";
import { describe, expect, it } from "vitest";
import { ErrorView } from "./ErrorView";

const graphQLError = (code: string, message: string) =>
  new CombinedGraphQLErrors({ errors: [{ message, extensions: { code, requestId: "req-42" } }] });

function Where() {
  const location = useLocation();
  return <p data-testid="where">{location.pathname + location.search}</p>;
}

describe("the error view", () => {
  it("sends UNAUTHENTICATED to sign-in with the reason", () => {
    render(
      <MemoryRouter initialEntries={["/orgs/acme/tokens"]}>
        <Routes>
          <Route path="/sign-in" element={<Where />} />
          <Route
            path="*"
            element={
              <ErrorView
                error={graphQLError("UNAUTHENTICATED", "Your session has expired; sign in again.")}
              />
            }
          />
        </Routes>
      </MemoryRouter>,
    );
    expect(screen.getByTestId("where").textContent).toBe(
      "/sign-in?reason=Your%20session%20has%20expired%3B%20sign%20in%20again.",
    );
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
