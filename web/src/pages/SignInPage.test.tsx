import { MockedProvider } from "@apollo/client/testing/react";
import { render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SignInPage } from "./SignInPage";

function renderWith(methods: { sso: boolean; tokenSignIn: boolean }, url = "/sign-in") {
  vi.stubGlobal(
    "fetch",
    vi.fn(async () => new Response(JSON.stringify(methods), { status: 200 })),
  );
  render(
    <MockedProvider>
      <MemoryRouter initialEntries={[url]}>
        <SignInPage />
      </MemoryRouter>
    </MockedProvider>,
  );
}

describe("the sign-in page", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("offers the token form alone where single sign-on is not set up", async () => {
    renderWith({ sso: false, tokenSignIn: true });
    expect(await screen.findByLabelText("Personal access token")).toBeTruthy();
    expect(screen.queryByRole("link", { name: "Sign in with SSO" })).toBeNull();
  });

  it("offers Sign in with SSO beside the token form", async () => {
    renderWith({ sso: true, tokenSignIn: true });
    const link = await screen.findByRole("link", { name: "Sign in with SSO" });
    expect(link.getAttribute("href")).toBe("/api/sso/start");
    expect(screen.getByLabelText("Personal access token")).toBeTruthy();
  });

  it("offers single sign-on only where token sign-in is off, still saying why it opened", async () => {
    renderWith({ sso: true, tokenSignIn: false }, "/sign-in?reason=You%20signed%20out.");
    await screen.findByRole("link", { name: "Sign in with SSO" });
    expect(screen.queryByLabelText("Personal access token")).toBeNull();
    expect(screen.queryByLabelText("Name for your first token")).toBeNull();
    expect(screen.getByRole("status").textContent).toBe("You signed out.");
    expect(screen.getByRole("button", { name: "Join with SSO" })).toBeTruthy();
  });
});
