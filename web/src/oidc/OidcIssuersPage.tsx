import { useQuery } from "@apollo/client/react";
import { Link, useLocation, useParams } from "react-router";
import { OidcIssuersPageQueryDocument } from "../__generated__/operations";
import { ErrorView } from "../errors/ErrorView";
import { useRegisterOidcIssuerMutation } from "../hooks/useOidcMutations";
import { oidcAccess } from "./access";
import { IssuerForm } from "./IssuerForm";

/** The OIDC issuers an organization trusts; its person ADMINs register new ones here. */
export function OidcIssuersPage() {
  const { org = "" } = useParams();
  const location = useLocation();
  const { data, error } = useQuery(OidcIssuersPageQueryDocument, {
    variables: { organization: org },
  });
  const [register, registered] = useRegisterOidcIssuerMutation();
  if (error) return <ErrorView error={error} />;
  if (!data) {
    return (
      <div className="skeleton" aria-busy="true" aria-label="Loading OIDC issuers">
        <div className="skeleton-row" />
        <div className="skeleton-row" />
      </div>
    );
  }
  const { canManage } = oidcAccess(data.viewer, org);
  // A deletion on the issuer's page says so here, where it lands.
  const notice = registered.notice ?? (location.state as { notice?: string } | null)?.notice;

  return (
    <section aria-labelledby="oidc-title">
      <div className="page-head">
        <h1 id="oidc-title">OIDC issuers</h1>
      </div>
      <p className="muted">
        CI jobs of {org} trade the OIDC tokens of these issuers for short-lived Lapse tokens, as
        each issuer&apos;s policies allow; nothing else is trusted.
      </p>
      <div role="status">{notice && <p className="notice">{notice}</p>}</div>
      {data.oidcIssuers.length === 0 ? (
        <p className="empty">No issuers yet: no CI job can exchange a token.</p>
      ) : (
        <table className="tokens">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Issuer URL</th>
              <th scope="col">Keys</th>
              <th scope="col">Policies</th>
              <th scope="col">Longest token</th>
            </tr>
          </thead>
          <tbody>
            {data.oidcIssuers.map((issuer) => {
              const allows = issuer.policies.filter((p) => p.decision === "ALLOW").length;
              return (
                <tr key={issuer.id} data-issuer={issuer.name}>
                  <td>
                    <Link to={`/orgs/${org}/oidc/${issuer.id}`}>{issuer.name}</Link>
                  </td>
                  <td>{issuer.url}</td>
                  <td>{issuer.hasStaticJwks ? "static JWKS" : "discovered"}</td>
                  <td>
                    {allows} allow, {issuer.policies.length - allows} deny
                  </td>
                  <td>{Math.round(issuer.maxExpirationSeconds / 60)} minutes</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {canManage && (
        <IssuerForm
          title="Register an issuer"
          submitLabel="Register issuer"
          feedback={registered}
          onSubmit={async (fields) =>
            (await register({
              organization: org,
              name: fields.name,
              url: fields.url,
              jwks: fields.jwks || null,
              maxExpirationSeconds: fields.maxExpirationSeconds,
            })) !== null
          }
        />
      )}
    </section>
  );
}
