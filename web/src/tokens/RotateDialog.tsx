import { useState, type FormEvent } from "react";
import type { TokensTable_TokenFragment } from "../__generated__/operations";
import { useNow } from "../clock/useNow";
import { useRotateTokenMutation } from "../hooks/useTokenMutations";
import { DAY_MS, PRESETS, presetBlocked } from "./tokenRules";

const GRACE = [
  { seconds: 0, label: "None: the old secret stops at once" },
  { seconds: 300, label: "5 minutes" },
  { seconds: 3600, label: "1 hour" },
  { seconds: 86_400, label: "24 hours" },
];

type Lifetimed = Pick<TokensTable_TokenFragment, "createdAt" | "expiresAt" | "kind">;

/** How long the token was made to live, or null for never. */
const lifetimeOf = (token: Lifetimed) =>
  token.expiresAt ? Date.parse(token.expiresAt) - Date.parse(token.createdAt) : null;

// A "7 days" token was given its expiry a moment before it was stored, so it lived a hair under 7
// days; a preset within this slack of the lifetime means "the same lifetime".
const SLACK_MS = 60_000;

/** Why a new expiry of `days` is not offered, or null; the server refuses the same. */
export function rotationPresetBlocked(
  token: Lifetimed,
  days: number,
  limits: { capDays: number | null; callerExpiresAt: number | null; now: number },
): string | null {
  const lifetime = lifetimeOf(token);
  if (lifetime !== null && days * DAY_MS > lifetime + SLACK_MS)
    return `Longer than the ${Math.round(lifetime / DAY_MS)}-day lifetime it had: a rotation keeps it.`;
  const preset = PRESETS.find((p) => p.days === days)!;
  const cap = token.kind === "PERSONAL" ? null : limits.capDays;
  return presetBlocked(preset, cap, limits.callerExpiresAt, limits.now);
}

/**
 * Rotation: a new token replaces `token`, with the old lifetime unless a shorter one is chosen, and
 * the old secret kept working for a grace period if asked.
 */
export function RotateDialog(props: {
  token: TokensTable_TokenFragment;
  signedInWith: boolean;
  capDays: number | null;
  callerExpiresAt: string | null;
  onRotated: (name: string, secret: string, id: string) => void;
  onCancel: () => void;
}) {
  const { token, signedInWith } = props;
  const now = useNow();
  const [days, setDays] = useState<number | null>(null);
  const [grace, setGrace] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const [rotate, { loading }] = useRotateTokenMutation(signedInWith);
  // A token rotating itself is bounded by itself, not by the caller.
  const callerExpiresAt =
    !signedInWith && props.callerExpiresAt ? Date.parse(props.callerExpiresAt) : null;
  const limits = { capDays: props.capDays, callerExpiresAt, now };

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    try {
      const lifetime = lifetimeOf(token);
      // The old lifetime itself is asked for by leaving expiresAt out: the server bounds it exactly.
      const keep = days === null || (lifetime !== null && days * DAY_MS >= lifetime);
      const expiresAt = keep ? undefined : new Date(now + days * DAY_MS).toISOString();
      const result = await rotate({
        variables: { id: token.id, expiresAt, gracePeriodSeconds: grace },
      });
      const rotated = result.data?.rotateToken;
      if (rotated) props.onRotated(rotated.token.name, rotated.secret, rotated.token.id);
    } catch (failure) {
      setProblem(failure instanceof Error ? failure.message : "The rotation failed; try again.");
    }
  }

  return (
    <div className="backdrop">
      <form
        role="dialog"
        aria-modal="true"
        aria-labelledby="rotate-title"
        className="dialog"
        onSubmit={(event) => void submit(event)}
        onKeyDown={(event) => event.key === "Escape" && props.onCancel()}
      >
        <h2 id="rotate-title">Rotate “{token.name}”?</h2>
        <p>A new token with a new secret replaces “{token.name}”.</p>
        {signedInWith && (
          <p className="notice">
            This is the token you are signed in with: you will be signed out once you have copied
            the new secret.
          </p>
        )}
        <fieldset>
          <legend>New expiry</legend>
          <label>
            <input
              type="radio"
              name="expiry"
              checked={days === null}
              onChange={() => setDays(null)}
            />{" "}
            {token.expiresAt ? "Keep its lifetime, from now" : "Never, as before"}
          </label>
          {PRESETS.filter((p) => p.days !== null && p.days <= 90).map((p) => {
            const blocked = rotationPresetBlocked(token, p.days!, limits);
            return (
              <label key={p.id} className={blocked ? "disabled" : undefined} title={blocked ?? ""}>
                <input
                  type="radio"
                  name="expiry"
                  disabled={blocked !== null}
                  checked={days === p.days}
                  onChange={() => setDays(p.days)}
                />{" "}
                {p.label}
                {blocked && <span className="muted"> ({blocked})</span>}
              </label>
            );
          })}
        </fieldset>
        <label>
          Grace period for the old secret{" "}
          <select value={grace} onChange={(event) => setGrace(Number(event.target.value))}>
            {GRACE.map((g) => (
              <option key={g.seconds} value={g.seconds}>
                {g.label}
              </option>
            ))}
          </select>
        </label>
        {problem && (
          <p role="alert" className="error-text">
            {problem}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
          <button type="submit" className="danger" disabled={loading}>
            Rotate
          </button>
        </div>
      </form>
    </div>
  );
}
