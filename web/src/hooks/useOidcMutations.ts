import type { ApolloCache, TypedDocumentNode } from "@apollo/client";
import { useMutation } from "@apollo/client/react";
import { useCallback, useState } from "react";
import {
  DeleteOidcIssuerMutationDocument,
  OidcIssuerPageQueryDocument,
  OidcIssuersPageQueryDocument,
  RegisterOidcIssuerMutationDocument,
  SetOidcIssuerPoliciesMutationDocument,
  UpdateOidcIssuerMutationDocument,
} from "../__generated__/operations";

/** What the last attempt left to say: a notice when it worked, the error when it did not. */
export interface Feedback {
  notice: string | null;
  error: unknown;
  loading: boolean;
}

/**
 * A mutation that re-reads what it touched and keeps its own feedback: both are cleared when a
 * new attempt starts, so an old refusal never stands beside a new try. Resolves to the data, or
 * null when the server refused (the refusal is in `error`).
 */
function useMutationWithFeedback<TData, TVariables extends Record<string, unknown>>(
  document: TypedDocumentNode<TData, TVariables>,
  refetch: TypedDocumentNode<unknown, never>[],
  notice: (data: TData) => string,
  update?: (cache: ApolloCache, data: TData) => void,
) {
  const [mutate, { loading }] = useMutation(document, {
    refetchQueries: refetch,
    awaitRefetchQueries: true,
    update: update && ((cache, { data }) => data && update(cache, data)),
  });
  const [state, setState] = useState<Omit<Feedback, "loading">>({ notice: null, error: null });
  const run = useCallback(
    async (variables: TVariables): Promise<TData | null> => {
      setState({ notice: null, error: null });
      try {
        // Generic over the document, mutate's rest-tuple signature cannot be spelled out here.
        const args = [{ variables }] as unknown as Parameters<typeof mutate>;
        const { data } = await mutate(...args);
        if (!data) return null;
        setState({ notice: notice(data), error: null });
        return data;
      } catch (error) {
        setState({ notice: null, error });
        return null;
      }
    },
    [mutate, notice],
  );
  const feedback: Feedback = { ...state, loading };
  return [run, feedback] as const;
}

const list = [OidcIssuersPageQueryDocument] as TypedDocumentNode<unknown, never>[];
const both = [OidcIssuersPageQueryDocument, OidcIssuerPageQueryDocument] as TypedDocumentNode<
  unknown,
  never
>[];

export const useRegisterOidcIssuerMutation = () =>
  useMutationWithFeedback(
    RegisterOidcIssuerMutationDocument,
    list,
    (d) => `Issuer ${d.registerOidcIssuer.name} registered.`,
  );
export const useUpdateOidcIssuerMutation = () =>
  useMutationWithFeedback(
    UpdateOidcIssuerMutationDocument,
    both,
    (d) => `Issuer ${d.updateOidcIssuer.name} saved.`,
  );
// The page it was on is gone: the issuer leaves the cache, so no list read from it shows it.
export const useDeleteOidcIssuerMutation = () =>
  useMutationWithFeedback(
    DeleteOidcIssuerMutationDocument,
    list,
    (d) => `Issuer ${d.deleteOidcIssuer.name} deleted.`,
    (cache, d) => {
      cache.evict({ id: cache.identify({ __typename: "OidcIssuer", id: d.deleteOidcIssuer.id }) });
      cache.gc();
    },
  );
export const useSetOidcIssuerPoliciesMutation = () =>
  useMutationWithFeedback(
    SetOidcIssuerPoliciesMutationDocument,
    both,
    (d) =>
      `Policies saved: ${d.setOidcIssuerPolicies.policies.length} polic${d.setOidcIssuerPolicies.policies.length === 1 ? "y" : "ies"}.`,
  );
