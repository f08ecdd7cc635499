import { useMutation } from "@apollo/client/react";
import {
  CancelInvitationMutationDocument,
  ChangeRoleMutationDocument,
  InviteMemberMutationDocument,
  MembersPageQueryDocument,
  PendingInvitationsQueryDocument,
  RemoveMemberMutationDocument,
} from "../__generated__/operations";

// Each change re-reads what it touched, so members and pending invitations stay true to the server.
const members = { refetchQueries: [MembersPageQueryDocument], awaitRefetchQueries: true };
const invitations = {
  refetchQueries: [PendingInvitationsQueryDocument],
  awaitRefetchQueries: true,
};

export const useInviteMemberMutation = () => useMutation(InviteMemberMutationDocument, invitations);
export const useCancelInvitationMutation = () =>
  useMutation(CancelInvitationMutationDocument, invitations);
export const useChangeRoleMutation = () => useMutation(ChangeRoleMutationDocument, members);
export const useRemoveMemberMutation = () => useMutation(RemoveMemberMutationDocument, members);
