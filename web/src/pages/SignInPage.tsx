import { useState, type FormEvent } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { signIn } from "../session";
import { RedeemInvitation } from "./RedeemInvitation";

/** No passwords: a personal access token is traded for a session cookie. */
export function SignInPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [token, setToken] = useState("");
  // Why the last session ended (or that you signed out): news, not an error of this form.
  const reason = params.get("reason");
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
    <main className="sign-in">
      <h1>Sign in to Lapse</h1>
      {reason && (
        <p role="status" className="notice">
          {reason}
        </p>
      )}
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
      <RedeemInvitation />
    </main>
  );
}
