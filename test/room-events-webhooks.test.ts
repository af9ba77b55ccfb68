import { env } from "cloudflare:workers";
import { Webhook as Verifier } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { endRoomSessions } from "../src/cron/end-room-sessions";
import { ANNOUNCE_QUIET_MS } from "../src/services/room-session-ends";
import { createOrg } from "./helpers";
import { eventsFor, MIN, newRoom, post, sessionsOf } from "./room-events-helpers";

interface Received {
  headers: Record<string, string>;
  body: string;
}

const RECEIVER = env.TEST_RECEIVER_URL;
const received = async (name: string): Promise<Received[]> => (await fetch(`${RECEIVER}/__deliveries/${name}`)).json();

describe("room events end to end", () => {
  it("POST → scheduled job → queue → the endpoint, signed, in the shapes of §8", async () => {
    const org = await createOrg();
    const name = crypto.randomUUID();
    const created = await org.api("/api/v1/webhooks", {
      method: "POST",
      json: {
        url: `${RECEIVER}/hooks/${name}`,
        events: ["room.client.joined", "room.client.left", "room.session.started", "room.session.ended"],
      },
    });
    expect(created.status).toBe(201);
    const { secret } = (await created.json()) as { secret: string };

    const roomName = await newRoom(org);
    const e = eventsFor(roomName, Date.now() - 60 * MIN);
    await post(org, [
      e.join("a", 0, { id: "ev-1", displayName: "Ada", externalId: "user-42" }),
      e.join("b", 1, { id: "ev-2", roleName: "guest" }),
      e.leave("b", 10, { id: "ev-3" }),
      e.leave("a", 11, { id: "ev-4" }),
    ]);
    await endRoomSessions(env, Date.now() + ANNOUNCE_QUIET_MS + 1);
    await expect.poll(async () => (await received(name)).length, { timeout: 15_000 }).toBe(6);

    const verifier = new Verifier(secret);
    const deliveries = (await received(name)).map((d) => {
      const payload = verifier.verify(d.body, d.headers) as {
        type: string;
        timestamp: string;
        data: Record<string, unknown>;
      };
      expect(d.headers["webhook-id"]).toMatch(/^evt_/);
      expect(d.headers["user-agent"]).toBe("Parley-Webhooks/1");
      expect(Object.keys(payload).sort()).toEqual(["data", "timestamp", "type"]);
      expect(new Date(payload.timestamp).toISOString()).toBe(payload.timestamp);
      return payload;
    });
    const byType = (type: string) => deliveries.filter((d) => d.type === type).map((d) => d.data);
    const [session] = await sessionsOf(org, roomName);
    expect(byType("room.session.started")).toEqual([
      { roomSessionId: session?.roomSessionId, roomName, startedAt: e.at(1) },
    ]);
    expect(byType("room.session.ended")).toEqual([
      { roomSessionId: session?.roomSessionId, roomName, startedAt: e.at(1), endedAt: e.at(10) },
    ]);
    const client = (id: string, participantId: string, occurredAt: string, extra = {}) => ({
      id,
      roomName,
      participantId,
      displayName: null,
      externalId: null,
      roleName: null,
      occurredAt,
      ...extra,
    });
    expect(byType("room.client.joined").sort((x, y) => String(x.id).localeCompare(String(y.id)))).toEqual([
      client("ev-1", "a", e.at(0), { displayName: "Ada", externalId: "user-42" }),
      client("ev-2", "b", e.at(1), { roleName: "guest" }),
    ]);
    expect(byType("room.client.left").sort((x, y) => String(x.id).localeCompare(String(y.id)))).toEqual([
      client("ev-3", "b", e.at(10)),
      client("ev-4", "a", e.at(11)),
    ]);

    // The job runs every minute: nothing is sent twice.
    await endRoomSessions(env, Date.now() + 5 * MIN);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await received(name)).toHaveLength(6);
  });
});
