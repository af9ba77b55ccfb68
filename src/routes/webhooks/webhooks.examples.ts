/** Request and response examples of the webhook routes' OpenAPI document. */
export const CREATE_WEBHOOK_EXAMPLE = {
  url: "https://example.com/webhooks/parley",
  events: ["meeting.created", "recording.finished", "summary.finished"],
  description: "Production receiver",
};

export const WEBHOOK_EXAMPLE = {
  id: "whk_2Hn8Qv5LpW0xRt7Ky3Mb9Z",
  url: "https://example.com/webhooks/parley",
  events: ["meeting.created", "recording.finished", "summary.finished"],
  description: "Production receiver",
  status: "enabled",
  disabledReason: null,
  createdAt: "2026-11-21T15:00:00.000Z",
  updatedAt: "2026-11-21T15:00:00.000Z",
};

export const WEBHOOK_WITH_SECRET_EXAMPLE = { ...WEBHOOK_EXAMPLE, secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" };
