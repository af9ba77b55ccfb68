import { protectedRoute } from "../route-kit";
import { CreateErasureBody, ErasureIdParam, ErasureSchema } from "./erasure.schemas";

const tags = ["Privacy"];
const erasureJson = { "application/json": { schema: ErasureSchema } };

export const createErasureRoute = protectedRoute({
  method: "post",
  path: "/api/v1/erasure",
  operationId: "createErasure",
  tags,
  summary: "Erase a person (right to be forgotten)",
  description:
    'Answers 202 with `state: "in_progress"`; a background job then removes the person everywhere: room participants and their events (`displayName`, `externalId` → `"[erased]"`), transcript segments they spoke (speaker and text → `"[erased]"`), occurrences of the value in other segments, speaker renames, event payloads, meeting metadata, recording file names, API key names and webhook descriptions (each occurrence → `"[erased]"`), and the summaries and cached AI generations of every transcript it changed or that mention them (deleted; they can be generated again). Finished data exports made before the request are deleted too. A person field (participant name or id, transcript speaker) that contains the value identifies the person; in free text only the occurrence goes. An occurrence is the whole value, not part of a longer word (`Ann` is not found in `Anna`); `displayName` and `email` match case-insensitively, `externalId` exactly. The value is never returned or logged, and is dropped once the job is done: only its SHA-256 stays.',
  scope: "admin",
  request: { body: { required: true, content: { "application/json": { schema: CreateErasureBody } } } },
  responses: { 202: { description: "The erasure, in progress.", content: erasureJson } },
});

export const getErasureRoute = protectedRoute({
  method: "get",
  path: "/api/v1/erasure/{erasureId}",
  operationId: "getErasure",
  tags,
  summary: "Get an erasure",
  description: "Its state and what it erased; `ready` once no API response holds the subject any more.",
  scope: "admin",
  request: { params: ErasureIdParam },
  errors: [404],
  responses: { 200: { description: "The erasure.", content: erasureJson } },
});
