import { describe, expect, it } from "vitest";
import { classifyFetchFailure } from "../../src/services/fetch-failures";

const lost = new Error("Network connection lost.");
const opaque = new Error("internal error; reference = abc123");
const probe = (reachable: boolean) => async () => reachable;

describe("classifyFetchFailure", () => {
  it("tells a dropped connection from a refused one by whether the port accepts connections", async () => {
    const url = new URL("https://hooks.example.com/in");
    expect(await classifyFetchFailure(lost, url, 15_000, probe(true))).toEqual({
      kind: "connection_closed",
      message: "Connection closed: hooks.example.com:443 dropped the connection before answering",
    });
    expect((await classifyFetchFailure(lost, url, 15_000, probe(false))).kind).toBe("connection_refused");
  });

  it("never blames DNS for an address, and probes the address without brackets", async () => {
    let probed = "";
    const result = await classifyFetchFailure(opaque, new URL("http://[::1]:8080/x"), 15_000, async (host, port) => {
      probed = `${host} ${port}`;
      return false;
    });
    expect(probed).toBe("::1 8080");
    expect(result).toEqual({ kind: "network", message: "Could not reach [::1]:8080" });
  });

  it("names the timeout without probing", async () => {
    const timeout = new DOMException("The operation was aborted due to timeout", "TimeoutError");
    const result = await classifyFetchFailure(timeout, new URL("https://a.example/"), 15_000, () => {
      throw new Error("must not probe");
    });
    expect(result).toEqual({ kind: "timeout", message: "Timeout: no response within 15 s" });
  });
});
