import type { OidcPolicyInput, PolicyDecision, TokenKind } from "../__generated__/operations";

/** A policy as the editor holds it: every field a string or boolean the form can show. */
export interface PolicyDraft {
  decision: PolicyDecision;
  tokenType: TokenKind;
  team: string;
  login: string;
  admin: boolean;
  rules: { claim: string; pattern: string }[];
}

interface StoredPolicy {
  decision: PolicyDecision;
  tokenType: TokenKind;
  team?: string | null;
  login?: string | null;
  admin?: boolean | null;
  rules: { claim: string; pattern: string }[];
}

export const newPolicy = (): PolicyDraft => ({
  decision: "ALLOW",
  tokenType: "TEAM",
  team: "",
  login: "",
  admin: false,
  rules: [{ claim: "sub", pattern: "" }],
});

export function toDraft(policy: StoredPolicy): PolicyDraft {
  return {
    decision: policy.decision,
    tokenType: policy.tokenType,
    team: policy.team ?? "",
    login: policy.login ?? "",
    admin: policy.admin ?? false,
    rules: policy.rules.map(({ claim, pattern }) => ({ claim, pattern })),
  };
}

/** What the server takes: only the field the token type reads, nothing the form left empty. */
export function toInput(draft: PolicyDraft): OidcPolicyInput {
  return {
    decision: draft.decision,
    tokenType: draft.tokenType,
    team: draft.tokenType === "TEAM" && draft.team.trim() ? draft.team.trim() : null,
    login: draft.tokenType === "PERSONAL" && draft.login.trim() ? draft.login.trim() : null,
    admin: draft.tokenType === "ORGANIZATION" ? draft.admin : null,
    rules: draft.rules.map((r) => ({ claim: r.claim.trim(), pattern: r.pattern.trim() })),
  };
}
