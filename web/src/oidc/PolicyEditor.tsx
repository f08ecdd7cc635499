import { useSetOidcIssuerPoliciesMutation } from "../hooks/useOidcMutations";
import { FormError } from "./FormError";
import { PolicyFields } from "./PolicyFields";
import { newPolicy, toInput, type PolicyDraft } from "./policyDraft";

/** How the exchange reads policies, and what pins an ALLOW (the server's rule, in README words). */
function HowPoliciesDecide() {
  return (
    <div className="muted" id="how-policies-decide">
      <p>
        A JWT gets a token only when an ALLOW policy for exactly that token matches every one of its
        rules, and no matching DENY does: deny by default, and a DENY always wins.
      </p>
      <p>
        <strong>An ALLOW must pin the repository or its owner</strong>, so that no policy trusts
        every repository of a shared issuer: one of its rules must be on{" "}
        <code>repository_owner_id</code>, <code>repository_id</code> or{" "}
        <code>repository_owner</code> (GitHub), <code>namespace_id</code>, <code>project_id</code>{" "}
        or <code>namespace_path</code> (GitLab) with no <code>*</code> or <code>?</code>; or on{" "}
        <code>sub</code> naming the owner before any wildcard, such as <code>repo:acme/*</code> or{" "}
        <code>project_path:acme/*</code>. For issuers other than GitHub&apos;s, an exact{" "}
        <code>sub</code> also pins. Ids are the stronger pin: a name can change hands.
      </p>
    </div>
  );
}

/**
 * An issuer's policies: person ADMINs edit and save them (the server refuses an ALLOW that pins
 * nothing, and its sentence is shown); others read them. Unsaved edits go to the simulator too.
 */
export function PolicyEditor(props: {
  issuerId: string;
  stored: PolicyDraft[];
  drafts: PolicyDraft[] | null;
  onDraftsChange: (drafts: PolicyDraft[] | null) => void;
  canManage: boolean;
}) {
  const [save, saved] = useSetOidcIssuerPoliciesMutation();
  const policies = props.drafts ?? props.stored;
  const change = (next: PolicyDraft[]) => props.onDraftsChange(next);

  if (!props.canManage) {
    return (
      <section aria-labelledby="policies-title">
        <h2 id="policies-title">Policies</h2>
        <HowPoliciesDecide />
        {policies.length === 0 ? (
          <p className="empty">No policies: every exchange is refused.</p>
        ) : (
          <ol>
            {policies.map((p, i) => (
              <li key={i}>
                {p.decision} a {p.tokenType.toLowerCase()} token
                {p.tokenType === "TEAM" && p.team && ` for team ${p.team}`}
                {p.tokenType === "PERSONAL" && p.login && ` for ${p.login}`}
                {p.tokenType === "ORGANIZATION" && p.admin && " with admin"} when{" "}
                {p.rules.map((r) => `${r.claim} is ${r.pattern}`).join(" and ")}
              </li>
            ))}
          </ol>
        )}
      </section>
    );
  }

  return (
    <form
      aria-labelledby="policies-title"
      aria-describedby="how-policies-decide"
      onSubmit={async (event) => {
        event.preventDefault();
        const done = await save({ issuerId: props.issuerId, policies: policies.map(toInput) });
        if (done) props.onDraftsChange(null);
      }}
    >
      <h2 id="policies-title">Policies</h2>
      <HowPoliciesDecide />
      {policies.length === 0 && <p className="empty">No policies: every exchange is refused.</p>}
      {policies.map((policy, index) => (
        <PolicyFields
          key={index}
          number={index + 1}
          policy={policy}
          onChange={(next) => change(policies.map((p, i) => (i === index ? next : p)))}
          onRemove={() => change(policies.filter((_, i) => i !== index))}
        />
      ))}
      <div role="status">
        {props.drafts && <p className="muted">Unsaved changes: the simulator uses them.</p>}
        {saved.notice && !props.drafts && <p className="notice">{saved.notice}</p>}
      </div>
      <FormError error={saved.error} />
      <div className="actions">
        <button type="button" onClick={() => change([...policies, newPolicy()])}>
          Add policy
        </button>
        {props.drafts && (
          <button type="button" onClick={() => props.onDraftsChange(null)}>
            Discard changes
          </button>
        )}
        <button type="submit" disabled={saved.loading || !props.drafts}>
          Save policies
        </button>
      </div>
    </form>
  );
}
