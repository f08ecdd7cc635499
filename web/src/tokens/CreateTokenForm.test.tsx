import { MockedProvider } from "@apollo/client/testing/react";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { CreateTokenForm } from "./CreateTokenForm";

const noop = () => undefined;

function renderForm(props: Partial<Parameters<typeof CreateTokenForm>[0]> = {}) {
  return render(
    <MockedProvider mocks={[]}>
      <CreateTokenForm
        kind="TEAM"
        organization="acme"
        teams={["platform"]}
        capDays={null}
        onCreated={noop}
        onCancel={noop}
        {...props}
      />
    </MockedProvider>,
  );
}

describe("the create token form", () => {
  it("checks the name as the server does and keeps Create disabled until it passes", async () => {
    renderForm();
    const create = screen.getByRole("button", { name: "Create token" });
    expect(create).toHaveProperty("disabled", true);
    await userEvent.type(screen.getByLabelText("Name"), " padded");
    expect(screen.getByRole("alert").textContent).toMatch(/white space/);
    expect(create).toHaveProperty("disabled", true);
    await userEvent.clear(screen.getByLabelText("Name"));
    await userEvent.type(screen.getByLabelText("Name"), "deploy");
    expect(screen.queryByRole("alert")).toBeNull();
    expect(create).toHaveProperty("disabled", false);
  });

  it("under a 30-day cap, hides 'No expiry' and disables longer presets, saying why", () => {
    renderForm({ capDays: 30 });
    expect(screen.queryByLabelText(/No expiry/)).toBeNull();
    const ninety = screen.getByLabelText(/90 days/) as HTMLInputElement;
    expect(ninety.disabled).toBe(true);
    expect(screen.getAllByText(/Above the organization's 30-day limit/)).toHaveLength(2);
    expect((screen.getByLabelText(/^30 days/) as HTMLInputElement).disabled).toBe(false);
  });

  it("offers 'No expiry' for personal tokens, which the cap does not bind at creation", () => {
    renderForm({ kind: "PERSONAL", capDays: 30 });
    expect(screen.getByLabelText(/No expiry/)).toBeDefined();
  });

  it("offers no expiry past the sign-in token's own, and starts on the longest that fits", () => {
    const inTenDays = new Date(Date.now() + 10 * 86_400_000).toISOString();
    renderForm({ kind: "PERSONAL", callerExpiresAt: inTenDays });
    for (const label of [/^30 days/, /^90 days/, /^1 year/, /^No expiry/]) {
      expect((screen.getByLabelText(label) as HTMLInputElement).disabled, String(label)).toBe(true);
    }
    expect(screen.getAllByText(new RegExp(`expires at ${inTenDays}`)).length).toBeGreaterThan(0);
    expect((screen.getByLabelText("7 days") as HTMLInputElement).checked).toBe(true);
  });

  it("offers the Lapse scopes the signed-in token holds, and checks custom scopes and networks", async () => {
    renderForm({ kind: "TEAM", callerScopes: ["tokens:read", "tokens:write", "org:admin"] });
    expect(screen.queryByLabelText(/audit:read/)).toBeNull();
    expect(screen.queryByLabelText(/org:admin/)).toBeNull(); // personal tokens only
    expect((screen.getByLabelText(/tokens:write/) as HTMLInputElement).checked).toBe(true);
    await userEvent.type(screen.getByLabelText("Name"), "deploy");
    await userEvent.type(screen.getByLabelText(/own scopes/), "Deploy:Prod");
    expect(screen.getByRole("alert").textContent).toMatch(/not a scope/);
    await userEvent.clear(screen.getByLabelText(/own scopes/));
    await userEvent.type(screen.getByLabelText(/own scopes/), "deploy:prod");
    await userEvent.type(screen.getByLabelText(/networks/), "example.com");
    expect(screen.getByRole("alert").textContent).toMatch(/not a network/);
    await userEvent.clear(screen.getByLabelText(/networks/));
    await userEvent.type(screen.getByLabelText(/networks/), "10.0.0.0/8, 2001:db8::/32");
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("shows the exact expiry instant before submitting", async () => {
    renderForm();
    await userEvent.click(screen.getByLabelText("7 days"));
    expect(screen.getByText(/^Expires \d{4}-\d\d-\d\dT/)).toBeDefined();
  });
});
