import { useLazyQuery, useMutation } from "@apollo/client/react";
import { useState } from "react";
import {
  OrganizationPageQueryDocument,
  PolicyPreviewQueryDocument,
  SetPolicyMutationDocument,
} from "../__generated__/operations";
import { readPolicyDays, readablePolicyError } from "./policyRules";

/** The expiry policy: the cap in force, a field to change it, and a preview of what a cap refuses. */
export function PolicyForm({ org, current }: { org: string; current: number | null }) {
  const [text, setText] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [preview, previewResult] = useLazyQuery(PolicyPreviewQueryDocument, {
    fetchPolicy: "network-only",
  });
  const [setPolicy] = useMutation(SetPolicyMutationDocument, {
    refetchQueries: [OrganizationPageQueryDocument],
  });

  /** Checks the field, then runs `act`; every try starts clean, so no old error outlives it. */
  async function attempt(act: (days: number | null) => Promise<unknown>) {
    setProblem(null);
    setSaved(false);
    const read = readPolicyDays(text);
    if ("problem" in read) return setProblem(read.problem);
    try {
      await act(read.days);
    } catch (error) {
      setProblem(readablePolicyError(error));
    }
  }
  const runPreview = (days: number | null) =>
    preview({ variables: { organization: org, days } }).then((result) => {
      if (result.error) throw result.error;
    });
  const save = async (days: number | null) => {
    await setPolicy({ variables: { organization: org, days } });
    setSaved(true);
  };
  const result = !problem && previewResult.data?.previewTokenExpiryPolicy;

  return (
    <>
      <h2>Token expiry policy</h2>
      <p>
        {current === null
          ? "No cap: tokens may live as long as two years, or never expire."
          : `Team and organization tokens must expire within ${current} days, and a member's personal token that outlives the cap is refused here.`}
      </p>
      <form
        className="filters"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void attempt(save);
        }}
      >
        <label>
          Maximum lifetime (days, empty for none)
          <input
            inputMode="numeric"
            value={text}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? "policy-problem" : undefined}
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        <button type="button" onClick={() => void attempt(runPreview)}>
          Preview
        </button>
        <button type="submit">Save policy</button>
      </form>
      {problem && (
        <p id="policy-problem" role="alert" className="error-text">
          {problem}
        </p>
      )}
      {saved && <p role="status">Policy saved.</p>}
      {result && (
        <div aria-live="polite">
          <p>
            This cap would refuse {result.blockedCount} active{" "}
            {result.blockedCount === 1 ? "token" : "tokens"} in {org}
            {result.blockedCount > 0 ? " (team, organization, and members' personal tokens):" : "."}
          </p>
          <ul>
            {result.blockedTokens.map((t) => (
              <li key={t.id}>
                {t.name} ({t.kind.toLowerCase()},{" "}
                {t.expiresAt
                  ? `expires ${new Date(t.expiresAt).toLocaleDateString()}`
                  : "never expires"}
                )
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
