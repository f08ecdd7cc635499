import { useEffect, useState, type FormEvent } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { signIn, signInMethods, type SignInMethods } from "../session";
import { RedeemInvitation } from "./RedeemInvitation";
import { SsoSignIn } from "./SsoSignIn";

/**
 * No passwords: single sign-on where it is set up, and a personal access token traded for a session
 * cookie unless the server turned that off.
 */
export function SignInPage() {
  const [params] = useSearchParams();
  const [methods, setMethods] = useState<SignInMethods | null>(null);
  useEffect(() => {
    let live = true;
    void signInMethods().then((found) => live && setMethods(found));
    return () => {
      live = false;
    };
  }, []);

  if (!methods) {
    return (
      <main className="sign-in" aria-busy="true">
        <h1>Sign in to Lapse</h1>
        <p className="muted">Loading sign-in options…</p>
      </main>
    );
  }
  return (
    <main className="sign-in">
      <h1>Sign in to Lapse</h1>
      {/* Why the last session ended (or that you signed out): news, not an error of a form. */}
      {params.get("reason") && (
        <p role="status" className="notice">
          {params.get("reason")}
        </p>
      )}
      {methods.sso && <SsoSignIn only={!methods.tokenSignIn} />}
      {methods.tokenSignIn && (
        <>
          <TokenSignIn />
          <RedeemInvitation />
        </>
      )}
    </main>
  );
}

/** A personal access token for a session cookie; the token is not kept in the browser. */
function TokenSignIn() {
  const navigate = useNavigate();
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(token);
      setToken("");
      navigate("/", { replace: true });
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : "Sign-in failed.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} aria-describedby={error ? "sign-in-error" : undefined}>
      <label htmlFor="token">Personal access token</label>
      <input
        id="token"
        name="token"
        type="password"
        autoComplete="off"
        required
        value={token}
        onChange={(event) => setToken(event.target.value)}
        placeholder="lapse_pat_…"
      />
      <p className="muted">
        The token is exchanged for a session cookie and is not stored in this browser.
      </p>
      {error && (
        <p id="sign-in-error" role="alert" className="error-text">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy || token.length === 0}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
