import { useState, type FormEvent } from "react";
import { ssoStartUrl } from "../session";

/**
 * Single sign-on: a full-page navigation to the identity provider, which sends the browser back
 * signed in. An invitation code rides along, so a new person's login is made from the provider's.
 */
export function SsoSignIn({ only }: { only: boolean }) {
  const [code, setCode] = useState("");

  function join(event: FormEvent) {
    event.preventDefault();
    window.location.assign(ssoStartUrl(code.trim()));
  }

  return (
    <section aria-labelledby="sso-title" className="sso-sign-in">
      <h2 id="sso-title">{only ? "Sign in with your organization's account" : "Single sign-on"}</h2>
      <a className="button" href={ssoStartUrl()}>
        Sign in with SSO
      </a>
      <form onSubmit={join} aria-labelledby="sso-join-title">
        <h3 id="sso-join-title">Have an invitation?</h3>
        <label htmlFor="sso-invitation-code">Invitation code</label>
        <input
          id="sso-invitation-code"
          autoComplete="off"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          placeholder="lapse_inv_…"
          required
        />
        <button type="submit" disabled={code.trim() === ""}>
          Join with SSO
        </button>
      </form>
    </section>
  );
}
