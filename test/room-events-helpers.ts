import { expect } from "vitest";
import { createMeeting, type TestOrg } from "./helpers";

export const MIN = 60_000;

export interface Ev {
  id?: string;
  type: "room.client.joined" | "room.client.left" | "room.client.knocked" | "room.client.knockCancelled";
  roomName: string;
  participantId: string;
  occurredAt: string;
  externalId?: string;
  displayName?: string;
  roleName?: string;
}

/** Event factory for one room, timed in minutes (fractions allowed) after `base`. */
export function eventsFor(roomName: string, base: number) {
  const at = (minutes: number) => new Date(base + Math.round(minutes * MIN)).toISOString();
  return {
    join: (participantId: string, minutes: number, extra: Partial<Ev> = {}): Ev => ({
      type: "room.client.joined",
      roomName,
      participantId,
      occurredAt: at(minutes),
      ...extra,
    }),
    leave: (participantId: string, minutes: number, extra: Partial<Ev> = {}): Ev => ({
      type: "room.client.left",
      roomName,
      participantId,
      occurredAt: at(minutes),
      ...extra,
    }),
    at,
  };
}

/** A deterministic shuffle (a small LCG), so a failing order can be reproduced. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export function chunks<T>(items: readonly T[], parts: number): T[][] {
  const size = Math.ceil(items.length / parts);
  return Array.from({ length: parts }, (_, i) => items.slice(i * size, (i + 1) * size)).filter((c) => c.length > 0);
}

export async function post(org: TestOrg, events: Ev[]) {
  const res = await org.api("/api/v1/room-events", { method: "POST", json: { events } });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as { accepted: number; duplicates: number };
}

export async function newRoom(org: TestOrg) {
  const { body } = await createMeeting(org);
  return body.roomName;
}

export interface SessionView {
  roomSessionId: string;
  startedAt: string;
  endedAt: string | null;
  totalParticipantMinutes: number;
  totalUniqueParticipants: number;
}

export async function sessionsOf(org: TestOrg, roomName: string): Promise<SessionView[]> {
  const res = await org.api(`/api/v1/insights/room-sessions?limit=100&roomName=${encodeURIComponent(roomName)}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: SessionView[] }).results.reverse();
}

/** Recorded events of `type` for the room (GET /api/v1/events). */
export async function eventsOfType(org: TestOrg, type: string, roomName: string) {
  const res = await org.api(`/api/v1/events?limit=100&type=${type}`);
  const body = (await res.json()) as { results: { data: Record<string, unknown> }[] };
  return body.results.filter((e) => e.data.roomName === roomName);
}
