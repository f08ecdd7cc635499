import { useMutation } from "@apollo/client/react";
import {
  CreateOrganizationTokenMutationDocument,
  CreatePersonalTokenMutationDocument,
  CreateTeamTokenMutationDocument,
  RevokeTokenMutationDocument,
  RotateTokenMutationDocument,
  TokensPageQueryDocument,
} from "../__generated__/operations";

// Every change re-reads the tokens page, so counts, tabs and rows stay true to the server.
const refetch = { refetchQueries: [TokensPageQueryDocument], awaitRefetchQueries: true };

export const useRevokeTokenMutation = () => useMutation(RevokeTokenMutationDocument, refetch);
/**
 * `ownToken`: rotating the token this session was opened with, whose old secret (and so the
 * session) may stop at once; a refetch would then fail before the new secret is shown.
 */
export const useRotateTokenMutation = (ownToken = false) =>
  useMutation(RotateTokenMutationDocument, ownToken ? {} : refetch);
export const useCreatePersonalTokenMutation = () =>
  useMutation(CreatePersonalTokenMutationDocument, refetch);
export const useCreateTeamTokenMutation = () =>
  useMutation(CreateTeamTokenMutationDocument, refetch);
export const useCreateOrganizationTokenMutation = () =>
  useMutation(CreateOrganizationTokenMutationDocument, refetch);
