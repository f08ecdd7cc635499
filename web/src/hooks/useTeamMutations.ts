import { useMutation } from "@apollo/client/react";
import {
  AddTeamMemberMutationDocument,
  ChangeTeamRoleMutationDocument,
  CreateTeamMutationDocument,
  DeleteTeamMutationDocument,
  RemoveTeamMemberMutationDocument,
  TeamPageQueryDocument,
  TeamsPageQueryDocument,
} from "../__generated__/operations";

// Each change re-reads the page it was made on, so teams and their members stay true to the server.
const teams = { refetchQueries: [TeamsPageQueryDocument], awaitRefetchQueries: true };
const team = { refetchQueries: [TeamPageQueryDocument], awaitRefetchQueries: true };

export const useCreateTeamMutation = () => useMutation(CreateTeamMutationDocument, teams);
export const useDeleteTeamMutation = () => useMutation(DeleteTeamMutationDocument, teams);
export const useAddTeamMemberMutation = () => useMutation(AddTeamMemberMutationDocument, team);
export const useRemoveTeamMemberMutation = () =>
  useMutation(RemoveTeamMemberMutationDocument, team);
export const useChangeTeamRoleMutation = () => useMutation(ChangeTeamRoleMutationDocument, team);
