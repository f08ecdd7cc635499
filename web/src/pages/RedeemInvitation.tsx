import { useMutation } from "@apollo/client/react";
import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { RedeemInvitationMutationDocument } from "../__generated__/operations";
import { SecretOnce } from "../components/SecretOnce";
import { signIn } from "../session";

/** A new member's way in: the invitation code becomes a first personal token, shown once, and a session. */
export function RedeemInvitation() {
  const navigate = useNavigate();
  const [code, setCode] = useState("");
  const [tokenName, setTokenName] = useState("console");
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [redeem, { loading }] = useMutation(RedeemInvitationMutationDocument);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const result = await redeem({ variables: { code: code.trim(), tokenName } });
      const token = result.data?.redeemInvitation;
      if (!token) return;
      await signIn(token.secret);
      setCode("");
      setCreated({ name: token.token.name, secret: token.secret });
    } catch (failure) {
      setError(
        failure instanceof Error ? failure.message : "The invitation could not be redeemed.",
      );
    }
  }

  if (created) {
    return (
      <SecretOnce
        name={created.name}
        secret={created.secret}
        onDone={() => navigate("/", { replace: true })}
      />
    );
  }
  return (
    <form onSubmit={submit} aria-labelledby="redeem-title">
      <h2 id="redeem-title">Have an invitation?</h2>
      <label htmlFor="invitation-code">Invitation code</label>
      <input
        id="invitation-code"
        autoComplete="off"
        value={code}
        onChange={(e) => setCode(e.target.value)}
        placeholder="lapse_inv_…"
        required
      />
      <label htmlFor="invitation-token-name">Name for your first token</label>
      <input
        id="invitation-token-name"
        value={tokenName}
        onChange={(e) => setTokenName(e.target.value)}
        required
      />
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      <button type="submit" disabled={loading || code.trim() === ""}>
        Join
      </button>
    </form>
  );
}
