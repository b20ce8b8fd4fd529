import { addTo } from "../multimap.js";
/**
 * The parts of Go's net/url that Kubernetes' CEL URL library relies on: `isURL` is `url.ParseRequestURI` succeeding,
 * `url()` checks with ParseRequestURI and then keeps the result of `url.Parse` (which splits off the fragment).
 * WHATWG `URL` differs in many places (it normalises hosts and paths, and rejects `/path` and `http:opaque`), so
 * Go's algorithm is followed instead.
 */

export interface GoUrl {
  readonly scheme: string;
  readonly opaque: string;
  /** Userinfo as written (still escaped), or undefined when there was no `@`. */
  readonly user: string | undefined;
  readonly host: string;
  /** The path exactly as given (escaped form); Go's `EscapedPath()` is derived from it. */
  readonly rawPath: string;
  readonly rawQuery: string;
  readonly forceQuery: boolean;
  readonly fragment: string;
}

export class UrlError extends Error {}

/** Go's url.ParseRequestURI: an absolute URI or an absolute path, no fragment handling. */
export function parseRequestUri(raw: string): GoUrl {
  return parse(raw, true);
}

/** Go's url.Parse: like ParseRequestURI but relative references are allowed and `#fragment` is split off. */
export function parseUrl(raw: string): GoUrl {
  const hash = raw.indexOf("#");
  const url = parse(hash < 0 ? raw : raw.slice(0, hash), false);
  if (hash < 0) return url;
  const fragment = unescape(raw.slice(hash + 1), "fragment");
  return { ...url, fragment };
}

/** What Kubernetes' `url()` does: validate as a request URI, keep url.Parse's result. */
export function parseKubernetesUrl(raw: string): GoUrl {
  try {
    parseRequestUri(raw);
    return parseUrl(raw);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UrlError(`URL parse error during conversion from string: parse "${raw}": ${message}`);
  }
}

export function isRequestUri(raw: string): boolean {
  try {
    parseRequestUri(raw);
    return true;
  } catch {
    return false;
  }
}

function parse(raw: string, viaRequest: boolean): GoUrl {
  if ([...raw].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
    throw new UrlError("net/url: invalid control character in URL");
  }
  if (raw === "" && viaRequest) throw new UrlError("empty url");
  const empty: GoUrl = {
    scheme: "",
    opaque: "",
    user: undefined,
    host: "",
    rawPath: "",
    rawQuery: "",
    forceQuery: false,
    fragment: "",
  };
  if (raw === "*") return { ...empty, rawPath: "*" };

  const [schemeText, afterScheme] = splitScheme(raw);
  const scheme = schemeText.toLowerCase();
  let rest = afterScheme;
  let rawQuery = "";
  let forceQuery = false;
  if (rest.endsWith("?") && rest.split("?").length === 2) {
    forceQuery = true;
    rest = rest.slice(0, -1);
  } else {
    const question = rest.indexOf("?");
    if (question >= 0) {
      rawQuery = rest.slice(question + 1);
      rest = rest.slice(0, question);
    }
  }

  if (!rest.startsWith("/")) {
    if (scheme !== "") return { ...empty, scheme, opaque: rest, rawQuery, forceQuery };
    if (viaRequest) throw new UrlError("invalid URI for request");
    const firstSegment = rest.split("/")[0] ?? "";
    if (firstSegment.includes(":")) throw new UrlError("first path segment in URL cannot contain colon");
  }

  let user: string | undefined;
  let host = "";
  if ((scheme !== "" || (!viaRequest && !rest.startsWith("///"))) && rest.startsWith("//")) {
    let authority = rest.slice(2);
    rest = "";
    const slash = authority.indexOf("/");
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    ({ user, host } = parseAuthority(authority));
  }
  unescape(rest, "path");
  return { ...empty, scheme, user, host, rawPath: rest, rawQuery, forceQuery };
}

function splitScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return ["", raw];
      continue;
    }
    if (c === ":") {
      if (i === 0) throw new UrlError("missing protocol scheme");
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ["", raw];
  }
  return ["", raw];
}

function parseAuthority(authority: string): { user: string | undefined; host: string } {
  const at = authority.lastIndexOf("@");
  const host = parseHost(at < 0 ? authority : authority.slice(at + 1));
  if (at < 0) return { user: undefined, host };
  const userinfo = authority.slice(0, at);
  if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) throw new UrlError("net/url: invalid userinfo");
  const colon = userinfo.indexOf(":");
  unescape(colon < 0 ? userinfo : userinfo.slice(0, colon), "userinfo");
  if (colon >= 0) unescape(userinfo.slice(colon + 1), "userinfo");
  return { user: userinfo, host };
}

function parseHost(host: string): string {
  if (host.startsWith("[")) {
    const close = host.lastIndexOf("]");
    if (close < 0) throw new UrlError("missing ']' in host");
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) throw new UrlError(`invalid port "${colonPort}" after host`);
    const zone = host.slice(0, close).indexOf("%25");
    if (zone >= 0) {
      return unescape(host.slice(0, zone), "host") + unescape(host.slice(zone, close), "zone") + unescape(host.slice(close), "host");
    }
  } else {
    const colon = host.lastIndexOf(":");
    if (colon >= 0) {
      const colonPort = host.slice(colon);
      if (!validOptionalPort(colonPort)) throw new UrlError(`invalid port "${colonPort}" after host`);
    }
  }
  return unescape(host, "host");
}

function validOptionalPort(port: string): boolean {
  return port === "" || /^:[0-9]*$/.test(port);
}

type Encoding = "path" | "host" | "zone" | "userinfo" | "query" | "fragment";

const isHex = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c);

/** Go's url.unescape: validates %XX escapes (and host characters) and decodes them as UTF-8 bytes. */
function unescape(text: string, mode: Encoding): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    if (c === "%") {
      if (!isHex(text[i + 1]) || !isHex(text[i + 2])) {
        throw new UrlError(`invalid URL escape "${text.slice(i, i + 3)}"`);
      }
      const value = parseInt(text.slice(i + 1, i + 3), 16);
      if (mode === "host" && value < 0x80 && text.slice(i, i + 3) !== "%25") {
        throw new UrlError(`invalid URL escape "${text.slice(i, i + 3)}"`);
      }
      if (mode === "zone" && value < 0x80 && text.slice(i, i + 3) !== "%25" && shouldEscape(String.fromCharCode(value), "host")) {
        throw new UrlError(`invalid URL escape "${text.slice(i, i + 3)}"`);
      }
      bytes.push(value);
      i += 3;
      continue;
    }
    if ((mode === "host" || mode === "zone") && c.charCodeAt(0) < 0x80 && shouldEscape(c, mode)) {
      throw new UrlError(`invalid character "${c}" in host name`);
    }
    if (c === "+" && mode === "query") bytes.push(0x20);
    else bytes.push(...Buffer.from(c, "utf8"));
    i++;
  }
  return Buffer.from(bytes).toString("utf8");
}

/** Go's url.shouldEscape for the modes used here. */
function shouldEscape(c: string, mode: Encoding): boolean {
  if (/^[A-Za-z0-9]$/.test(c)) return false;
  if ((mode === "host" || mode === "zone") && "!$&'()*+,;=:[]<>\"".includes(c)) return false;
  if ("-_.~".includes(c)) return false;
  if ("$&+,/:;=?@".includes(c)) {
    switch (mode) {
      case "path":
        return c === "?";
      case "userinfo":
        return c === "@" || c === "/" || c === "?" || c === ":";
      case "query":
        return true;
      case "fragment":
        return false;
      default:
        break;
    }
  }
  if (mode === "fragment" && "!()*".includes(c)) return false;
  return true;
}

function escape(text: string, mode: Encoding): string {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && !shouldEscape(c, mode) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Go's validEncoded: the path may be returned as written when it only uses characters that need no escaping. */
function validEncoded(text: string): boolean {
  for (const c of text) {
    if ("!$&'()*+,;=:@[]%".includes(c)) continue;
    if (c.charCodeAt(0) >= 0x80 || shouldEscape(c, "path")) return false;
  }
  return true;
}

/** Go's URL.EscapedPath(). */
export function escapedPath(url: GoUrl): string {
  if (url.rawPath === "*") return "*";
  if (validEncoded(url.rawPath)) return url.rawPath;
  return escape(unescape(url.rawPath, "path"), "path");
}

/** Go's URL.Hostname(): the host without port, IPv6 brackets removed. */
export function hostname(url: GoUrl): string {
  return splitHostPort(url.host)[0];
}

/** Go's URL.Port(). */
export function port(url: GoUrl): string {
  return splitHostPort(url.host)[1];
}

function splitHostPort(hostPort: string): [string, string] {
  let host = hostPort;
  let portText = "";
  const colon = host.lastIndexOf(":");
  if (colon >= 0 && validOptionalPort(host.slice(colon))) {
    portText = host.slice(colon + 1);
    host = host.slice(0, colon);
  }
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  return [host, portText];
}

/** Go's URL.Query(): pairs with invalid escapes or `;` are dropped, repeated keys collect their values. */
export function query(url: GoUrl): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const pair of url.rawQuery.split("&")) {
    if (pair === "" || pair.includes(";")) continue;
    const equals = pair.indexOf("=");
    try {
      const key = unescape(equals < 0 ? pair : pair.slice(0, equals), "query");
      const value = unescape(equals < 0 ? "" : pair.slice(equals + 1), "query");
      addTo(result, key, value);
    } catch {
      // Go's ParseQuery skips pairs it cannot unescape.
    }
  }
  return result;
}

/** Go's URL.String(), close enough to serve as the identity Kubernetes compares URLs by. */
export function formatUrl(url: GoUrl): string {
  let out = url.scheme === "" ? "" : `${url.scheme}:`;
  if (url.opaque !== "") {
    out += url.opaque;
  } else {
    if (url.scheme !== "" || url.host !== "" || url.user !== undefined) {
      if (url.host !== "" || url.rawPath !== "" || url.user !== undefined) out += "//";
      if (url.user !== undefined) out += `${url.user}@`;
      out += url.host;
    }
    const path = escapedPath(url);
    if (path !== "" && !path.startsWith("/") && url.host !== "") out += "/";
    out += path;
  }
  if (url.forceQuery || url.rawQuery !== "") out += `?${url.rawQuery}`;
  if (url.fragment !== "") out += `#${escape(url.fragment, "fragment")}`;
  return out;
}
