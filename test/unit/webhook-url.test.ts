import { afterEach, describe, expect, it, vi } from "vitest";
import { checkWebhookUrl } from "../../src/lib/webhook-url";

const NOT_PUBLIC = /non-public/;
const HTTPS = /must use https/;
const INVALID = /valid absolute URL/;
const LONG_PATH = "a".repeat(2048 - "https://hooks.example.com/".length);

// The checker relies on workerd's WHATWG URL parser to rewrite every legacy spelling before classifying it.
describe("workerd URL normalisation the checker relies on", () => {
  it.each([
    ["https://2130706433/", "127.0.0.1"],
    ["https://017700000001/", "127.0.0.1"],
    ["https://0177.0.0.1/", "127.0.0.1"],
    ["https://0x7f.0.0.1/", "127.0.0.1"],
    ["https://0x7F.0x00.0x00.0x01/", "127.0.0.1"],
    ["https://0x7f000001/", "127.0.0.1"],
    ["https://0x7f.1/", "127.0.0.1"],
    ["https://127.1/", "127.0.0.1"],
    ["https://10.1/", "10.0.0.1"],
    ["https://127.0.0.1./", "127.0.0.1"],
    ["https://%31%32%37.0.0.1/", "127.0.0.1"],
    ["https://１２７.０.０.１/", "127.0.0.1"],
    ["https://127。0。0。1/", "127.0.0.1"],
    ["https://0/", "0.0.0.0"],
    ["https://0x/", "0.0.0.0"],
    ["https://0xffffffff/", "255.255.255.255"],
    ["https://2852039166/", "169.254.169.254"],
    ["https://[::ffff:127.0.0.1]/", "[::ffff:7f00:1]"],
    ["https://[0:0:0:0:0:ffff:7f00:1]/", "[::ffff:7f00:1]"],
    ["https://[::127.0.0.1]/", "[::7f00:1]"],
    ["https://[0:0:0:0:0:0:0:1]/", "[::1]"],
    ["https://[64:ff9b:0:0:0:0:a9fe:a9fe]/", "[64:ff9b::a9fe:a9fe]"],
    ["https://[2002:7F00:0001::]/", "[2002:7f00:1::]"],
    ["https://[2606:4700:0:0:0:0:0:1111]/", "[2606:4700::1111]"],
    ["https://LOCALHOST./", "localhost."],
    ["https://ⓛocalhost/", "localhost"],
    ["https://bücher.example/", "xn--bcher-kva.example"],
  ])("%s has hostname %s", (input, hostname) => {
    expect(new URL(input).hostname).toBe(hostname);
  });

  it.each([
    "https://1.2.3.4.5/",
    "https://4294967296/",
    "https://09.0.0.1/",
    "https://example.123/",
    "https://[fe80::1%25eth0]/",
    "https://[::1]./",
  ])("%s does not parse", (input) => {
    expect(() => new URL(input)).toThrow();
  });
});

describe.each([false, true])("checkWebhookUrl with allowInsecure=%s", (allowInsecure) => {
  it.each<[string, RegExp]>([
    // Not a usable absolute http(s) URL.
    ["", INVALID],
    ["not a url", INVALID],
    ["/relative/path", INVALID],
    ["//hooks.example.com/parley", INVALID],
    ["https://1.2.3.4.5/", INVALID],
    ["https://example.123/", INVALID],
    ["https://[fe80::1%25eth0]/", INVALID],
    ["ftp://hooks.example.com/", HTTPS],
    ["file:///etc/passwd", HTTPS],
    ["javascript:alert(1)", HTTPS],
    ["data:text/plain,hello", HTTPS],
    ["ws://hooks.example.com/", HTTPS],
    ["gopher://127.0.0.1:6379/_INFO", HTTPS],
    // Plain http to anything but loopback.
    ["http://hooks.example.com/parley", HTTPS],
    ["http://93.184.216.34/x", HTTPS],
    ["http://[2606:4700::1111]/", HTTPS],
    // Userinfo, even towards loopback.
    ["https://user:pass@hooks.example.com/", /username or password/],
    ["https://user@hooks.example.com/", /username or password/],
    ["https://:pass@hooks.example.com/", /username or password/],
    ["http://user:pass@127.0.0.1/", /username or password/],
    // Length and port.
    [`https://hooks.example.com/${LONG_PATH}b`, /2048/],
    [`https://hooks.example.com/${"é".repeat(400)}`, /2048/],
    ["https://hooks.example.com:0/", /port/],
    ["https://hooks.example.com:00/", /port/],
    ["https://hooks.example.com:65536/", INVALID],
    ["https://hooks.example.com:-1/", INVALID],
    ["https://hooks.example.com:https/", INVALID],
    // Non-public IPv4, in every spelling.
    ["https://0.0.0.0/", NOT_PUBLIC],
    ["https://0/", NOT_PUBLIC],
    ["https://0.1.2.3/", NOT_PUBLIC],
    ["https://10.0.0.1/", NOT_PUBLIC],
    ["https://10.1/", NOT_PUBLIC],
    ["https://012.0.0.1/", NOT_PUBLIC],
    ["https://167772161/", NOT_PUBLIC],
    ["https://172.16.0.1/", NOT_PUBLIC],
    ["https://172.31.255.255/", NOT_PUBLIC],
    ["https://192.168.1.1/", NOT_PUBLIC],
    ["https://0xc0a80101/", NOT_PUBLIC],
    ["https://169.254.169.254/latest/meta-data/", NOT_PUBLIC],
    ["https://2852039166/", NOT_PUBLIC],
    ["https://0xa9fea9fe/", NOT_PUBLIC],
    ["https://0251.0376.0251.0376/", NOT_PUBLIC],
    ["https://169.254.0.1/", NOT_PUBLIC],
    ["https://100.64.0.1/", NOT_PUBLIC],
    ["https://100.127.255.254/", NOT_PUBLIC],
    ["https://224.0.0.1/", NOT_PUBLIC],
    ["https://239.255.255.250/", NOT_PUBLIC],
    ["https://255.255.255.255/", NOT_PUBLIC],
    ["https://0xffffffff/", NOT_PUBLIC],
    ["https://240.0.0.1/", NOT_PUBLIC],
    ["https://192.0.0.1/", NOT_PUBLIC],
    ["https://192.0.2.1/", NOT_PUBLIC],
    ["https://198.51.100.1/", NOT_PUBLIC],
    ["https://203.0.113.1/", NOT_PUBLIC],
    ["https://198.18.0.1/", NOT_PUBLIC],
    ["https://198.19.255.255/", NOT_PUBLIC],
    // Non-public IPv6, and IPv6 forms that embed an IPv4 address (rejected whatever the embedded address is).
    ["https://[::]/", NOT_PUBLIC],
    ["https://[0:0:0:0:0:0:0:0]/", NOT_PUBLIC],
    ["https://[::ffff:127.0.0.1]/", NOT_PUBLIC],
    ["https://[::ffff:7f00:1]/", NOT_PUBLIC],
    ["https://[::ffff:10.0.0.1]/", NOT_PUBLIC],
    ["https://[::ffff:169.254.169.254]/", NOT_PUBLIC],
    ["https://[::ffff:93.184.216.34]/", NOT_PUBLIC],
    ["https://[::ffff:0:7f00:1]/", NOT_PUBLIC],
    ["https://[::127.0.0.1]/", NOT_PUBLIC],
    ["https://[::7f00:1]/", NOT_PUBLIC],
    ["https://[::10.0.0.1]/", NOT_PUBLIC],
    ["https://[64:ff9b::a9fe:a9fe]/", NOT_PUBLIC],
    ["https://[64:ff9b::127.0.0.1]/", NOT_PUBLIC],
    ["https://[64:ff9b:1::a9fe:a9fe]/", NOT_PUBLIC],
    ["https://[2002:7f00:1::]/", NOT_PUBLIC],
    ["https://[2002:a9fe:a9fe::1]/", NOT_PUBLIC],
    ["https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", NOT_PUBLIC],
    ["https://[fc00::1]/", NOT_PUBLIC],
    ["https://[fd00::1]/", NOT_PUBLIC],
    ["https://[fd00:ec2::254]/", NOT_PUBLIC],
    ["https://[fe80::1]/", NOT_PUBLIC],
    ["https://[febf:ffff::1]/", NOT_PUBLIC],
    ["https://[fec0::1]/", NOT_PUBLIC],
    ["https://[ff02::1]/", NOT_PUBLIC],
    ["https://[2001:db8::1]/", NOT_PUBLIC],
    ["https://[2001:2::1]/", NOT_PUBLIC],
    ["https://[100::1]/", NOT_PUBLIC],
    ["https://[1::1]/", NOT_PUBLIC],
    // Internal, local-only and bare names.
    ["https://metadata.google.internal/computeMetadata/v1/", NOT_PUBLIC],
    ["https://metadata.google.internal./", NOT_PUBLIC],
    ["https://METADATA.GOOGLE.INTERNAL/", NOT_PUBLIC],
    ["https://db.internal/", NOT_PUBLIC],
    ["https://printer.local/", NOT_PUBLIC],
    ["https://router.localdomain/", NOT_PUBLIC],
    ["https://nas.home.arpa/", NOT_PUBLIC],
    ["https://intranet/", /fully qualified/],
    ["https://intranet./", /fully qualified/],
    ["https://internal/", /fully qualified/],
    ["https://a..b/", /malformed/],
    ["https://localhost../", /malformed/],
  ])("rejects %s", (input, reason) => {
    const result = checkWebhookUrl(input, { allowInsecure });
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.reason).toMatch(reason);
  });

  it.each([
    ["https://hooks.example.com/parley", "https://hooks.example.com/parley"],
    ["https://HOOKS.Example.COM:443/parley", "https://hooks.example.com/parley"],
    [
      "https://hooks.example.com:8443/parley?event=meeting.ended",
      "https://hooks.example.com:8443/parley?event=meeting.ended",
    ],
    ["https://hooks.example.com:1/", "https://hooks.example.com:1/"],
    ["https://hooks.example.com:65535/", "https://hooks.example.com:65535/"],
    ["https://hooks.example.com./", "https://hooks.example.com./"],
    ["https://hooks.example.com/a#secret", "https://hooks.example.com/a"],
    ["https://hooks.example.com/a#", "https://hooks.example.com/a"],
    ["  https://hooks.example.com/p\n", "https://hooks.example.com/p"],
    ["https://@hooks.example.com/", "https://hooks.example.com/"],
    ["https://bücher.example/", "https://xn--bcher-kva.example/"],
    ["https://localhost.example.com/", "https://localhost.example.com/"],
    ["https://internal.example.com/", "https://internal.example.com/"],
    ["https://93.184.216.34/x", "https://93.184.216.34/x"],
    ["https://0x5d.0xb8.0xd8.0x22/x", "https://93.184.216.34/x"],
    ["https://8.8.8.8/", "https://8.8.8.8/"],
    ["https://100.63.255.255/", "https://100.63.255.255/"],
    ["https://100.128.0.1/", "https://100.128.0.1/"],
    ["https://172.32.0.1/", "https://172.32.0.1/"],
    ["https://198.20.0.1/", "https://198.20.0.1/"],
    ["https://[2606:4700::1111]/", "https://[2606:4700::1111]/"],
    ["https://[2606:4700:0:0:0:0:0:1111]/", "https://[2606:4700::1111]/"],
    ["https://[2001:4860:4860::8888]:8443/", "https://[2001:4860:4860::8888]:8443/"],
    [`https://hooks.example.com/${LONG_PATH}`, `https://hooks.example.com/${LONG_PATH}`],
  ])("allows %s as %s", (input, url) => {
    expect(checkWebhookUrl(input, { allowInsecure })).toEqual({ ok: true, url });
  });
});

describe("loopback targets, only with allowInsecure (local development)", () => {
  it.each([
    ["http://127.0.0.1:8787/hooks", "http://127.0.0.1:8787/hooks"],
    ["https://127.0.0.1/", "https://127.0.0.1/"],
    ["http://127.255.255.254/", "http://127.255.255.254/"],
    ["http://127.1/", "http://127.0.0.1/"],
    ["http://2130706433/", "http://127.0.0.1/"],
    ["http://0177.0.0.1/", "http://127.0.0.1/"],
    ["http://0x7f.0.0.1/", "http://127.0.0.1/"],
    ["http://0x7f000001/", "http://127.0.0.1/"],
    ["http://[::1]:8787/x", "http://[::1]:8787/x"],
    ["https://[::1]/", "https://[::1]/"],
    ["http://localhost:8787/webhook", "http://localhost:8787/webhook"],
    ["https://localhost/", "https://localhost/"],
    ["http://LOCALHOST./", "http://localhost./"],
    ["http://api.localhost:3000/", "http://api.localhost:3000/"],
    ["https://a.b.localhost/", "https://a.b.localhost/"],
  ])("%s", (input, url) => {
    expect(checkWebhookUrl(input, { allowInsecure: false })).toEqual({
      ok: false,
      reason: expect.stringMatching(NOT_PUBLIC),
    });
    expect(checkWebhookUrl(input, { allowInsecure: true })).toEqual({ ok: true, url });
  });
});

// workerd normalises every numeric spelling (above), so this reaches the fallback by faking a parser that does not.
describe("numeric host names a non-normalising parser would leave behind", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it.each([
    ["0x7f.1", false],
    ["2130706433", false],
    ["0177.0.0.1", false],
    ["10.1", false],
    ["1.2.3.4.5", false],
    ["0x", false],
    ["08", false],
    ["4294967296", false],
    ["0x5d.0xb8.0xd8.0x22", true],
  ])("%s → ok=%s", (hostname, ok) => {
    const RealURL = URL;
    vi.stubGlobal(
      "URL",
      class extends RealURL {
        constructor(input: string) {
          super(input);
          Object.defineProperty(this, "hostname", { value: hostname });
        }
      },
    );
    expect(checkWebhookUrl("https://placeholder.example/", { allowInsecure: false }).ok).toBe(ok);
  });
});
