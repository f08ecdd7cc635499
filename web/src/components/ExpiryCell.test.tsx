import { act, render, screen } from "@testing-library/react";
import { Profiler } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clockTimers } from "../clock/useNow";
import { ExpiryCell } from "./ExpiryCell";

describe("live countdowns", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-11-26T12:00:00.000Z"));
  });
  afterEach(() => vi.useRealTimers());

  it("share one clock and turn a row expired when it crosses expiresAt, without a reload", () => {
    const soon = "2026-11-26T12:00:03.000Z";
    const { unmount } = render(
      <ul>
        {["a", "b", "c"].map((id) => (
          <li key={id} data-testid={id}>
            <ExpiryCell
              expiresAt={id === "a" ? soon : "2027-01-01T00:00:00.000Z"}
              revokedAt={null}
            />
          </li>
        ))}
      </ul>,
    );
    expect(clockTimers()).toBe(1);
    expect(screen.getByTestId("a").textContent).toContain("in 3 s");
    act(() => vi.advanceTimersByTime(2000));
    expect(screen.getByTestId("a").textContent).toContain("in 1 s");
    act(() => vi.advanceTimersByTime(1000));
    expect(screen.getByTestId("a").textContent).toContain("expired just now");
    expect(screen.getByTestId("a").querySelector("[data-state]")!.getAttribute("data-state")).toBe(
      "expired",
    );
    expect(screen.getByTestId("b").querySelector("[data-state]")!.getAttribute("data-state")).toBe(
      "long",
    );
    unmount();
    expect(clockTimers()).toBe(0);
  });

  it("gives the exact instant in UTC and local time on hover, and the state in words for screen readers", () => {
    render(<ExpiryCell expiresAt="2026-12-01T08:30:00.000Z" revokedAt={null} />);
    const cell = screen.getByText(/in 5 days/).closest("[title]")!;
    expect(cell.getAttribute("title")).toMatch(/^2026-12-01T08:30:00Z UTC · .* local$/);
    expect(screen.getByText(/Expires within 7 days/)).toBeDefined();
  });

  it("shows the exact date under the countdown, where a phone without hover can read it", () => {
    render(<ExpiryCell expiresAt="2026-12-01T08:30:00.000Z" revokedAt={null} />);
    const exact = document.querySelector("time.expiry-exact")!;
    expect(exact.getAttribute("datetime")).toBe("2026-12-01T08:30:00.000Z");
    expect(exact.textContent).toMatch(/2026/);
    expect(exact.textContent).toMatch(/Dec/);
  });

  it("renders a row again only when its text changes, so 10,000 far-off expiries cost no renders a second", () => {
    const commits = { far: 0, near: 0 };
    render(
      <>
        <Profiler id="far" onRender={() => commits.far++}>
          {Array.from({ length: 10_000 }, (_, i) => (
            <ExpiryCell key={i} expiresAt="2027-03-01T06:00:00.000Z" revokedAt={null} />
          ))}
        </Profiler>
        <Profiler id="near" onRender={() => commits.near++}>
          <ExpiryCell expiresAt="2026-11-26T12:05:00.000Z" revokedAt={null} />
        </Profiler>
      </>,
    );
    commits.far = 0;
    commits.near = 0;
    for (let second = 0; second < 5; second++) act(() => vi.advanceTimersByTime(1000));
    expect(screen.getByText(/in 4 min 55 s/)).toBeDefined();
    expect(commits.near).toBe(5);
    expect(commits.far).toBe(0);
    // Rendering 10,000 rows in jsdom takes seconds on a busy machine; this bounds a hang, it does
    // not time anything (the assertion is the commit count).
  }, 60_000);
});
