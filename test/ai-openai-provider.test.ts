import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

/** A mono 16-bit PCM WAV of `seconds` at 8 kHz, samples a simple ramp. */
function wav(seconds: number): File {
  const rate = 8000;
  const dataBytes = Math.round(seconds * rate) * 2;
  const bytes = new Uint8Array(44 + dataBytes);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, text: string) => {
    for (let i = 0; i < text.length; i += 1) bytes[at + i] = text.charCodeAt(i);
  };
  ascii(0, "RIFF");
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, "WAVEfmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, "data");
  view.setUint32(40, dataBytes, true);
  for (let i = 44; i < bytes.length; i += 1) bytes[i] = (i * 7) % 251;
  return new File([bytes], "meeting.wav", { type: "audio/wav" });
}

describe("fake OpenAI server (reached from workerd)", () => {
  it("derives a diarized transcript from a WAV's duration", async () => {
    const form = new FormData();
    form.set("file", wav(12));
    form.set("model", "gpt-4o-transcribe-diarize");
    form.set("response_format", "diarized_json");
    const response = await fetch(`${env.TEST_OPENAI_URL}/audio/transcriptions`, {
      method: "POST",
      headers: { authorization: "Bearer test" },
      body: form,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      duration: number;
      segments: { speaker: string; start: number; end: number }[];
    };
    expect(body.duration).toBe(12);
    expect(body.segments.map((s) => [s.speaker, s.start, s.end])).toEqual([
      ["A", 0, 5],
      ["B", 5, 10],
      ["A", 10, 12],
    ]);
  });
});
