/** Request and response examples of the summary routes' OpenAPI document. */
export const CREATE_SUMMARY_EXAMPLE = {
  transcriptionId: "trn_3Jd9kQw2Zp7Lm0Xc5Vb1Nr",
  template: "General Bulleted",
  language: "en",
};

export const SUMMARY_EXAMPLE = {
  summaryId: "sum_8Kq2Lm9Xc4Vb7Nr1Zp3Jd0",
  transcriptionId: "trn_3Jd9kQw2Zp7Lm0Xc5Vb1Nr",
  roomName: "/team-3f2a9c1e-8d4b-4b7a-9e2f-1c6d5a4b3e2f",
  state: "ready",
  template: "General Bulleted",
  language: "en",
  summary: {
    summary: "The team agreed to open the beta on March 3; Bob sends the invitations.",
    sections: [{ heading: "Launch plan", points: ["Beta opens on March 3 for ten customers."] }],
    actionItems: [{ item: "Send the beta invitations", owner: "Bob", priority: "high" }],
    decisions: ["We decided to open the beta on March 3."],
  },
  model: "parley-extractive",
  error: null,
  createdAt: "2026-11-21T15:41:00.000Z",
  modifiedAt: "2026-11-21T15:41:02.310Z",
};
