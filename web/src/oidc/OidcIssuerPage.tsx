import { useQuery } from "@apollo/client/react";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { OidcIssuerPageQueryDocument } from "../__generated__/operations";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { ErrorView } from "../errors/ErrorView";
import {
  useDeleteOidcIssuerMutation,
  useUpdateOidcIssuerMutation,
} from "../hooks/useOidcMutations";
import { oidcAccess } from "./access";
import { FormError } from "./FormError";
import { IssuerForm } from "./IssuerForm";
import { PolicyEditor } from "./PolicyEditor";
import { toDraft, type PolicyDraft } from "./policyDraft";
import { Simulator } from "./Simulator";

/** One issuer: its settings, its policies in an editor, and a simulator for pasted JWTs. */
export function OidcIssuerPage() {
  const { org = "", issuerId = "" } = useParams();
  const navigate = useNavigate();
  const { data, error } = useQuery(OidcIssuerPageQueryDocument, { variables: { id: issuerId } });
  const [update, updated] = useUpdateOidcIssuerMutation();
  const [remove, removed] = useDeleteOidcIssuerMutation();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [drafts, setDrafts] = useState<PolicyDraft[] | null>(null);
  if (error) return <ErrorView error={error} />;
  if (!data) {
    return (
      <div className="skeleton" aria-busy="true" aria-label="Loading the issuer">
        <div className="skeleton-row" />
        <div className="skeleton-row" />
        <div className="skeleton-row" />
      </div>
    );
  }
  const issuer = data.oidcIssuer;
  if (!issuer) {
    return (
      <div role="alert" className="error">
        <h1>No such issuer</h1>
        <p>
          No OIDC issuer with this id exists that you can see.{" "}
          <Link to={`/orgs/${org}/oidc`}>Back to the issuers</Link>
        </p>
      </div>
    );
  }
  const { canManage } = oidcAccess(data.viewer, org);
  const stored = issuer.policies.map(toDraft);

  return (
    <section aria-labelledby="issuer-title">
      <p>
        <Link to={`/orgs/${org}/oidc`}>OIDC issuers</Link>
      </p>
      <div className="page-head">
        <h1 id="issuer-title">{issuer.name}</h1>
      </div>
      <dl>
        <dt>Issuer URL (the JWTs&apos; iss)</dt>
        <dd>{issuer.url}</dd>
        <dt>Signing keys</dt>
        <dd>{issuer.hasStaticJwks ? "a static JWKS" : "discovered from the issuer URL"}</dd>
        <dt>Longest token</dt>
        <dd>{issuer.maxExpirationSeconds} seconds</dd>
        <dt>Audience CI jobs must ask for</dt>
        <dd>
          <code>urn:lapse:org:{org}</code>
        </dd>
      </dl>
      <div role="status">{updated.notice && <p className="notice">{updated.notice}</p>}</div>
      {canManage && !editing && (
        <div className="row-actions">
          <button type="button" onClick={() => setEditing(true)}>
            Edit issuer
          </button>
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            Delete issuer
          </button>
        </div>
      )}
      <FormError error={removed.error} />
      {canManage && editing && (
        <IssuerForm
          title="Edit issuer"
          submitLabel="Save issuer"
          initial={issuer}
          feedback={updated}
          onCancel={() => setEditing(false)}
          onSubmit={async (fields) => {
            const done = await update({ id: issuer.id, ...fields });
            if (done) setEditing(false);
            return done !== null;
          }}
        />
      )}
      {confirming && (
        <ConfirmDialog
          title={`Delete issuer ${issuer.name}?`}
          body={`CI jobs can no longer exchange JWTs of ${issuer.url} for tokens of ${org}. Tokens it already minted keep their expiry.`}
          confirmLabel="Delete"
          onCancel={() => setConfirming(false)}
          onConfirm={async () => {
            setConfirming(false);
            const done = await remove({ id: issuer.id });
            if (done) {
              navigate(`/orgs/${org}/oidc`, {
                state: { notice: `Issuer ${done.deleteOidcIssuer.name} deleted.` },
              });
            }
          }}
        />
      )}
      <PolicyEditor
        key={issuer.id}
        issuerId={issuer.id}
        stored={stored}
        drafts={drafts}
        onDraftsChange={setDrafts}
        canManage={canManage}
      />
      {canManage && <Simulator issuerId={issuer.id} drafts={drafts} policies={stored} />}
    </section>
  );
}
