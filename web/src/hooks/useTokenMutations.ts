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
export const useRotateTokenMutation = () => useMutation(RotateTokenMutationDocument, refetch);
export const useCreatePersonalTokenMutation = () =>
  useMutation(CreatePersonalTokenMutationDocument, refetch);
export const useCreateTeamTokenMutation = () =>
  useMutation(CreateTeamTokenMutationDocument, refetch);
export const useCreateOrganizationTokenMutation = () =>
  useMutation(CreateOrganizationTokenMutationDocument, refetch);
