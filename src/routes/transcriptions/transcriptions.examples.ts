/** Request and response examples of the transcription routes' OpenAPI document. */
export const CREATE_TRANSCRIPTION_EXAMPLES = {
  segments: {
    summary: "Import speaker segments",
    value: {
      segments: [
        { speaker: "Alice", start: 0, end: 4.2, text: "Shall we start? Bob, the launch plan." },
        {
          speaker: "Bob",
          start: 4.6,
          end: 9.8,
          text: "We decided to open the beta on March 3. I'll send the invites.",
        },
      ],
      meetingId: "mtg_3c1YwqN8dKp2Lm5RtZ7bVx",
      language: "en",
    },
  },
  vtt: {
    summary: "Import a WebVTT file",
    value: {
      format: "vtt",
      content: "WEBVTT\n\n00:00:00.000 --> 00:00:04.200\n<v Alice>Shall we start?\n",
      language: "en",
    },
  },
  recording: {
    summary: "Transcribe a recording (needs the OpenAI provider)",
    value: { recordingId: "rec_8Jd2kQw9Zp3Lm0Xc5Vb7Nr", language: "en" },
  },
};

export const TRANSCRIPTION_EXAMPLE = {
  transcriptionId: "trn_3Jd9kQw2Zp7Lm0Xc5Vb1Nr",
  recordingId: null,
  meetingId: "mtg_3c1YwqN8dKp2Lm5RtZ7bVx",
  roomName: "/team-3f2a9c1e-8d4b-4b7a-9e2f-1c6d5a4b3e2f",
  roomSessionId: null,
  type: "IMPORTED",
  state: "ready",
  language: "en",
  durationInSeconds: 9.8,
  segmentCount: 2,
  speakers: ["Alice", "Bob"],
  error: null,
  createdAt: "2026-11-21T15:40:00.000Z",
  startDate: null,
  endDate: null,
};
