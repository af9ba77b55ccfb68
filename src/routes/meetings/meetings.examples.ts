/** Request and response examples of the meeting routes' OpenAPI document (what a real call sends and gets). */
export const CREATE_MEETING_EXAMPLE = {
  endDate: "2026-11-21T17:00:00+01:00",
  roomNamePrefix: "team",
  roomMode: "group",
  fields: ["hostRoomUrl"],
  recording: { type: "cloud", startTrigger: "automatic-2nd-participant" },
  metadata: "booking-4711",
};

export const MEETING_EXAMPLE = {
  meetingId: "mtg_3c1YwqN8dKp2Lm5RtZ7bVx",
  roomName: "/team-3f2a9c1e-8d4b-4b7a-9e2f-1c6d5a4b3e2f",
  roomUrl: "https://meet.parley.dev/team-3f2a9c1e-8d4b-4b7a-9e2f-1c6d5a4b3e2f",
  startDate: "2026-11-21T14:58:12.481Z",
  endDate: "2026-11-21T16:00:00.000Z",
  isLocked: false,
  roomMode: "group",
  recording: { type: "cloud", startTrigger: "automatic-2nd-participant" },
  metadata: "booking-4711",
  createdAt: "2026-11-21T14:58:12.481Z",
  hostRoomUrl: "https://meet.parley.dev/team-3f2a9c1e-8d4b-4b7a-9e2f-1c6d5a4b3e2f?roomKey=hk_9Qw2Zp7Lm0Xc5Vb1Nr3Jd",
};
