/** Request and response examples of the recording routes' OpenAPI document. */
export const RECORDING_EXAMPLE = {
  recordingId: "rec_8Jd2kQw9Zp3Lm0Xc5Vb7Nr",
  meetingId: "mtg_3c1YwqN8dKp2Lm5RtZ7bVx",
  roomName: "/team-3f2a9c1e-8d4b-4b7a-9e2f-1c6d5a4b3e2f",
  roomSessionId: null,
  filename: "standup.webm",
  contentType: "video/webm",
  sizeInBytes: 48213377,
  sizeInMegaBytes: 48.21,
  sha256: "5f2b8c0d9e4a7f1b3c6d8e0a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c",
  startDate: "2026-11-21T15:00:00.000Z",
  endDate: "2026-11-21T15:30:00.000Z",
  durationInSeconds: 1800,
  status: "ready",
  createdAt: "2026-11-21T15:31:04.220Z",
};

export const CREATE_UPLOAD_EXAMPLE = {
  filename: "all-hands.mp4",
  contentType: "video/mp4",
  meetingId: "mtg_3c1YwqN8dKp2Lm5RtZ7bVx",
};

export const UPLOAD_EXAMPLE = {
  uploadId: "upl_2Hc9Tq4Lm7Zx0Vb3Nd8Rk1",
  recordingId: "rec_8Jd2kQw9Zp3Lm0Xc5Vb7Nr",
  partSize: 10485760,
};
