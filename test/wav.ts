/**
 * A mono 16-bit PCM WAV of `seconds` at 8 kHz (16,000 bytes a second), for tests that upload or transcribe
 * audio. The samples are a fixed non-silent pattern, so chunks of it differ and can be told apart.
 */
export function pcmWav(seconds: number): Uint8Array<ArrayBuffer> {
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
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, "data");
  view.setUint32(40, dataBytes, true);
  for (let i = 44; i < bytes.length; i += 1) bytes[i] = (i * 7) & 0xff;
  return bytes;
}
