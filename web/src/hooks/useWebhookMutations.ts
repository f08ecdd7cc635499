import { useMutation } from "@apollo/client/react";
import {
  CreateWebhookMutationDocument,
  DeleteWebhookMutationDocument,
  DeliveryLogQueryDocument,
  RedeliverWebhookMutationDocument,
  SendTestWebhookMutationDocument,
  SetThresholdsMutationDocument,
  UpdateWebhookMutationDocument,
  WebhooksPageQueryDocument,
} from "../__generated__/operations";

// Each change re-reads what it touched, so the list and the log stay true to the server.
const page = { refetchQueries: [WebhooksPageQueryDocument], awaitRefetchQueries: true };
const log = { refetchQueries: [DeliveryLogQueryDocument], awaitRefetchQueries: true };

export const useCreateWebhookMutation = () => useMutation(CreateWebhookMutationDocument, page);
export const useUpdateWebhookMutation = () => useMutation(UpdateWebhookMutationDocument, page);
export const useDeleteWebhookMutation = () => useMutation(DeleteWebhookMutationDocument, page);
export const useSetThresholdsMutation = () => useMutation(SetThresholdsMutationDocument, page);
export const useSendTestWebhookMutation = () => useMutation(SendTestWebhookMutationDocument, log);
export const useRedeliverWebhookMutation = () => useMutation(RedeliverWebhookMutationDocument, log);
