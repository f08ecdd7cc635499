import { useQuery } from "@apollo/client/react";
import { SignedInAsQueryDocument } from "../__generated__/operations";

/**
 * Who the console is signed in as: the login, and for single sign-on the identity provider's email
 * (shown for recognition only; Lapse never matches accounts by it). Nothing while loading or on error.
 */
export function SignedInAs() {
  const { data } = useQuery(SignedInAsQueryDocument);
  const login = data?.viewer.user?.login;
  if (!login) return null;
  const email = data.viewer.ssoEmail;
  return (
    <span
      className="muted signed-in-as"
      title={email ? `Signed in with SSO as ${email}` : undefined}
    >
      {login}
      {email && ` (${email})`}
    </span>
  );
}
