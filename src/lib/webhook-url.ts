import ipaddr from "ipaddr.js";

export type WebhookUrlCheck = { ok: true; url: string } | { ok: false; reason: string };

const MAX_LENGTH = 2048;
const NOT_PUBLIC = "Webhook URL must not point to a loopback, private, internal or otherwise non-public address.";
const NEEDS_HTTPS = "Webhook URL must use https.";
const TOO_LONG = `Webhook URL must be at most ${MAX_LENGTH} characters.`;
// Names that never resolve to a public receiver. `localhost` / `*.localhost` are handled as loopback instead.
const INTERNAL_SUFFIXES = ["internal", "local", "localdomain", "home.arpa"];
// Labels a URL parser or resolver may read as part of a legacy numeric IPv4 address (127.1, 0x7f.1, 2130706433).
const NUMERIC_LABEL = /^(?:0x[0-9a-f]*|[0-9]+)$/i;
// IANA hands out global unicast IPv6 only from 2000::/3. Outside it everything is special-purpose or unassigned,
// including the deprecated IPv4-compatible form (::127.0.0.1 = ::7f00:1), which ipaddr.js reports as "unicast".
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR("2000::/3");

type Verdict = "public" | "loopback" | { blocked: string };

/**
 * `range()` must be "unicast". That already rejects every IPv6 range that embeds an IPv4 address (IPv4-mapped,
 * rfc6145, NAT64/rfc6052, 6to4, Teredo) whatever the embedded address is: the embedded IPv4 is where the packet
 * would really go, and a real webhook receiver has no need to be reached through a translation prefix.
 */
function classifyAddress(addr: ipaddr.IPv4 | ipaddr.IPv6): Verdict {
  const range = addr.range();
  if (range === "loopback") return "loopback";
  if (range !== "unicast") return { blocked: NOT_PUBLIC };
  if (addr instanceof ipaddr.IPv6 && !addr.match(GLOBAL_UNICAST_V6)) return { blocked: NOT_PUBLIC };
  return "public";
}

/** `hostname` as produced by the WHATWG URL parser: lower-cased, IDNA-mapped, IPv4 as dotted-quad, IPv6 bracketed. */
function classifyHost(hostname: string): Verdict {
  if (hostname.startsWith("[")) return classifyAddress(ipaddr.IPv6.parse(hostname.slice(1, -1)));
  const name = hostname.endsWith(".") ? hostname.slice(0, -1) : hostname;
  const labels = name.split(".");
  if (labels.includes("")) return { blocked: "Webhook URL host name is malformed." };
  // The WHATWG parser already rewrites every numeric spelling to dotted-quad; this also covers one that did not.
  if (labels.every((label) => NUMERIC_LABEL.test(label))) {
    return ipaddr.IPv4.isValid(name) ? classifyAddress(ipaddr.IPv4.parse(name)) : { blocked: NOT_PUBLIC };
  }
  if (name === "localhost" || name.endsWith(".localhost")) return "loopback";
  if (labels.length < 2) return { blocked: "Webhook URL host must be a fully qualified domain name." };
  if (INTERNAL_SUFFIXES.some((suffix) => name === suffix || name.endsWith(`.${suffix}`))) {
    return { blocked: NOT_PUBLIC };
  }
  return "public";
}

/**
 * Static SSRF check for a webhook target (OWASP API7). It cannot see what a public name resolves to; delivery
 * must still not follow redirects to, or connect to, non-public addresses.
 *
 * `url` is the normalised href to store (from `new URL(input).href`), with any fragment removed: a fragment is
 * never sent to the receiver, so keeping it would only make equal targets compare unequal.
 * `reason` is a short human sentence for an API 400 message.
 */
export function checkWebhookUrl(input: string, options: { allowInsecure: boolean }): WebhookUrlCheck {
  if (input.length > MAX_LENGTH) return { ok: false, reason: TOO_LONG };
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { ok: false, reason: "Webhook URL must be a valid absolute URL." };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, reason: NEEDS_HTTPS };
  if (url.username || url.password) {
    return { ok: false, reason: "Webhook URL must not include a username or password." };
  }
  // The parser rejects ports above 65535 but accepts 0.
  if (url.port === "0") return { ok: false, reason: "Webhook URL port must be between 1 and 65535." };

  const verdict = classifyHost(url.hostname);
  if (typeof verdict === "object") return { ok: false, reason: verdict.blocked };
  if (verdict === "loopback" && !options.allowInsecure) return { ok: false, reason: NOT_PUBLIC };
  if (verdict === "public" && url.protocol === "http:") return { ok: false, reason: NEEDS_HTTPS };

  url.hash = "";
  // Percent-encoding during normalisation can lengthen the URL past the limit.
  if (url.href.length > MAX_LENGTH) return { ok: false, reason: TOO_LONG };
  return { ok: true, url: url.href };
}
