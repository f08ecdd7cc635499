import { describe, expect, it } from "vitest";
import { deleteWarning } from "./TeamsPage";

describe("the delete-team confirmation", () => {
  it("says what deleteTeam does: tokens revoked, members out, name freed, history kept", () => {
    expect(deleteWarning("release", 2)).toBe(
      "Every token of “release” that still works is revoked at once, its 2 members leave it, and the name becomes free for a new team. Its history stays in the audit trail. This cannot be undone.",
    );
    expect(deleteWarning("web", 0)).toMatch(/it has no members to remove/);
    expect(deleteWarning("web", 1)).toMatch(/its 1 member leaves it/);
  });
});
