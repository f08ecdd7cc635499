import { useApolloClient } from "@apollo/client/react";
import { useNavigate } from "react-router";
import type { TokensTable_TokenFragment } from "../__generated__/operations";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { useRevokeTokenMutation } from "../hooks/useTokenMutations";
import { signOut } from "../session";

export const REVOKED_OWN_TOKEN =
  "You revoked the token you were signed in with, so you are signed out. Sign in with another token.";

/**
 * Asks before revoking `token`. Revoking the token this session was opened with ends the session
 * too, so the dialog says so and, once done, signs out to a sign-in page that says why, rather than
 * leaving a page whose next request fails.
 */
export function RevokeDialog(props: {
  token: TokensTable_TokenFragment;
  signedInWith: boolean;
  onClose: () => void;
}) {
  const { token, signedInWith, onClose } = props;
  const [revoke] = useRevokeTokenMutation();
  const client = useApolloClient();
  const navigate = useNavigate();

  async function confirm() {
    onClose();
    if (!signedInWith) {
      await revoke({ variables: { id: token.id } });
      return;
    }
    // No refetch: with the token gone, every query of this session would fail.
    await revoke({ variables: { id: token.id }, refetchQueries: [] });
    await signOut();
    navigate(`/sign-in?reason=${encodeURIComponent(REVOKED_OWN_TOKEN)}`, { replace: true });
    await client.clearStore();
  }

  return (
    <ConfirmDialog
      title={`Revoke “${token.name}”?`}
      body={
        `“${token.name}” stops working at once. This cannot be undone.` +
        (signedInWith ? " This is the token you are signed in with: you will be signed out." : "")
      }
      confirmLabel="Revoke"
      onConfirm={() => void confirm()}
      onCancel={onClose}
    />
  );
}
