import { createHmac } from "crypto";
import {
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  computeSignature,
  EMPTY_BODY_SHA256,
  formatSdkDate,
  parseAuthorization,
  parseSdkDate,
  percentEncode,
  sha256Hex,
  verifyRequest,
  type SignableRequest,
  type VerifierKey,
} from "../../emulator/verifier";

// Known-answer vector 1: Huawei signing guide (reference section 4b).
const HW_GUIDE = {
  ak: "QTWAOYTTINDUT2QVKYUC",
  sk: "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc",
  req: {
    method: "GET",
    path: "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs",
    query: "limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
    headers: {
      "content-type": "application/json",
      host: "service.region.example.com",
      "x-sdk-date": "20191115T033655Z",
    },
    body: "",
  } satisfies SignableRequest,
  signed: ["content-type", "host", "x-sdk-date"],
  crHash: "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a",
  signature: "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe",
  at: Date.UTC(2019, 10, 15, 3, 36, 55),
};

// Known-answer vector 2: HW-GO core/auth/signer/signer_test.go.
const GO_DATE = "20060102T150405Z";
const GO_AT = Date.UTC(2006, 0, 2, 15, 4, 5);
const GO_GET: SignableRequest = { method: "GET", path: "/path", query: "limit=1", headers: { "x-sdk-date": GO_DATE }, body: "" };
const GO_POST: SignableRequest = {
  method: "POST",
  path: "/path",
  query: "key=value",
  headers: { "x-sdk-date": GO_DATE },
  body: '{"Name":"test","Id":1}\n',
};
const GO_GET_SIG = "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624";
const GO_POST_SIG = "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59";

function withAuth(req: SignableRequest, ak: string, signed: string[], signature: string): SignableRequest {
  return {
    ...req,
    headers: { ...req.headers, authorization: `SDK-HMAC-SHA256 Access=${ak}, SignedHeaders=${signed.join(";")}, Signature=${signature}` },
  };
}

const goKeys: VerifierKey[] = [{ accessKey: "AccessKey", secretKey: "SecretKey" }];

describe("canonical pieces", () => {
  test("percent-encoding keeps only A-Za-z0-9-_.~ and uses upper-case hex", () => {
    expect(percentEncode("aZ09-_.~")).toBe("aZ09-_.~");
    expect(percentEncode("a b!*'()/+é")).toBe("a%20b%21%2A%27%28%29%2F%2B%C3%A9");
  });

  test("URI gets a trailing slash and each segment is re-encoded", () => {
    expect(canonicalUri("/v1.0/p/clusters/c")).toBe("/v1.0/p/clusters/c/");
    expect(canonicalUri("/")).toBe("/");
    expect(canonicalUri("")).toBe("/");
    expect(canonicalUri("/a%20b/c*d/")).toBe("/a%20b/c%2Ad/");
  });

  test("query sorted by key then value; space is %20", () => {
    expect(canonicalQuery("b=2&a=z&a=y&c=x y")).toBe("a=y&a=z&b=2&c=x%20y");
    expect(canonicalQuery("q=a+b")).toBe("q=a%20b");
    expect(canonicalQuery("")).toBe("");
    expect(canonicalQuery(undefined)).toBe("");
    expect(canonicalQuery("flag")).toBe("flag=");
  });

  test("query sorted by UTF-8 bytes, as the official SDK does (known answer: k=a&k=Ａ&k=😀)", () => {
    // UTF-16 code units would order 😀 (D83D DE00) before Ａ (FF21); UTF-8 orders Ａ (EF BC A1) first.
    expect(canonicalQuery("k=a&k=Ａ&k=😀")).toBe("k=a&k=%EF%BC%A1&k=%F0%9F%98%80");
    expect(canonicalQuery("k=%F0%9F%98%80&k=%EF%BC%A1&k=a")).toBe("k=a&k=%EF%BC%A1&k=%F0%9F%98%80");
    expect(canonicalQuery("%F0%9F%98%80=1&%EF%BC%A1=2&ab=3&a=4")).toBe("a=4&ab=3&%EF%BC%A1=2&%F0%9F%98%80=1");
  });

  test("empty body hash", () => {
    expect(sha256Hex("")).toBe(EMPTY_BODY_SHA256);
  });

  test("SDK date round trip and rejects nonsense", () => {
    expect(parseSdkDate("20191115T033655Z")).toBe(HW_GUIDE.at);
    expect(formatSdkDate(HW_GUIDE.at)).toBe("20191115T033655Z");
    expect(parseSdkDate("20191315T033655Z")).toBeUndefined();
    expect(parseSdkDate("2019-11-15T03:36:55Z")).toBeUndefined();
  });

  test("Authorization parsing", () => {
    expect(parseAuthorization("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=ABC")).toEqual({
      accessKey: "AK",
      signedHeaders: ["host", "x-sdk-date"],
      signature: "abc",
    });
    expect(parseAuthorization("SDK-HMAC-SHA256 Credential=AK/20200101/r/s/sdk_request, SignedHeaders=a, Signature=b")).toBeUndefined();
    expect(parseAuthorization("Bearer x")).toBeUndefined();
    expect(parseAuthorization(undefined)).toBeUndefined();
  });
});

describe("known-answer vectors", () => {
  test("Huawei signing guide: canonical request hash and signature", () => {
    const parts = computeSignature(HW_GUIDE.sk, HW_GUIDE.req, HW_GUIDE.signed);
    expect(parts.canonicalRequest).toBe(
      [
        "GET",
        "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/",
        "limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
        "content-type:application/json\nhost:service.region.example.com\nx-sdk-date:20191115T033655Z\n",
        "content-type;host;x-sdk-date",
        EMPTY_BODY_SHA256,
      ].join("\n"),
    );
    expect(parts.canonicalRequestHash).toBe(HW_GUIDE.crHash);
    expect(parts.stringToSign).toBe(`SDK-HMAC-SHA256\n20191115T033655Z\n${HW_GUIDE.crHash}`);
    expect(parts.signature).toBe(HW_GUIDE.signature);
  });

  test("Huawei signing guide: verifyRequest accepts it at the signing time", () => {
    const req = withAuth(HW_GUIDE.req, HW_GUIDE.ak, HW_GUIDE.signed, HW_GUIDE.signature);
    const r = verifyRequest(req, { keys: [{ accessKey: HW_GUIDE.ak, secretKey: HW_GUIDE.sk }], now: HW_GUIDE.at + 60_000 });
    expect(r).toEqual({ ok: true, accessKey: HW_GUIDE.ak, signedHeaders: HW_GUIDE.signed, temporary: false });
  });

  test("HW-GO signer_test: GET and POST (the trailing LF in the body matters)", () => {
    expect(computeSignature("SecretKey", GO_GET, ["x-sdk-date"]).signature).toBe(GO_GET_SIG);
    expect(computeSignature("SecretKey", GO_POST, ["x-sdk-date"]).signature).toBe(GO_POST_SIG);
    const noLf = { ...GO_POST, body: '{"Name":"test","Id":1}' };
    expect(computeSignature("SecretKey", noLf, ["x-sdk-date"]).signature).not.toBe(GO_POST_SIG);
  });

  test("official Go SDK v0.1.207: Unicode queries signed in UTF-8 byte order verify", () => {
    // Signatures produced by huaweicloud-sdk-go-v3 v0.1.207 core/auth/signer.Sign (GET /path, only
    // X-Sdk-Date set); the query is given in an order that is neither UTF-8 nor UTF-16 sorted.
    for (const [query, sig] of [
      ["k=%F0%9F%98%80&k=%EF%BC%A1&k=a", "567f397ca4c7e2cc79329238d34a5faa02c9941d455351ad58dee0dd432a3f14"],
      ["%F0%9F%98%80=1&%EF%BC%A1=2&ab=3&a=4", "0d93fd786f852a2aa426dc677cad0b5427d65e89f8c5769a076cf37875d54505"],
    ] as const) {
      const req: SignableRequest = { ...GO_GET, query };
      expect(computeSignature("SecretKey", req, ["x-sdk-date"]).signature).toBe(sig);
      expect(verifyRequest(withAuth(req, "AccessKey", ["x-sdk-date"], sig), { keys: goKeys, now: GO_AT }).ok).toBe(true);
    }
  });

  test("HW-GO signer_test: verifyRequest accepts both (body as bytes too)", () => {
    for (const [req, sig] of [
      [GO_GET, GO_GET_SIG],
      [{ ...GO_POST, body: Buffer.from(GO_POST.body as string) }, GO_POST_SIG],
    ] as const) {
      const r = verifyRequest(withAuth(req, "AccessKey", ["x-sdk-date"], sig), { keys: goKeys, now: GO_AT });
      expect(r.ok).toBe(true);
    }
  });

  test("canonical request ignores header-name case and SignedHeaders order", () => {
    const mixed = { ...HW_GUIDE.req, headers: { "Content-Type": "application/json", Host: "service.region.example.com", "X-Sdk-Date": " 20191115T033655Z " } };
    expect(canonicalRequest(mixed, ["X-Sdk-Date", "host", "content-type"])).toBe(canonicalRequest(HW_GUIDE.req, HW_GUIDE.signed));
  });
});

describe("verifyRequest rejections", () => {
  const signedPost = withAuth(GO_POST, "AccessKey", ["x-sdk-date"], GO_POST_SIG);
  const opts = { keys: goKeys, now: GO_AT };

  test("tampered body", () => {
    const r = verifyRequest({ ...signedPost, body: '{"Name":"evil","Id":1}\n' }, opts);
    expect(r).toMatchObject({ ok: false, reason: "bad-signature", accessKey: "AccessKey" });
  });

  test("tampered query, path and method", () => {
    expect(verifyRequest({ ...signedPost, query: "key=other" }, opts)).toMatchObject({ ok: false, reason: "bad-signature" });
    expect(verifyRequest({ ...signedPost, path: "/other" }, opts)).toMatchObject({ ok: false, reason: "bad-signature" });
    expect(verifyRequest({ ...signedPost, method: "PUT" }, opts)).toMatchObject({ ok: false, reason: "bad-signature" });
  });

  test("tampered signed header", () => {
    const req = withAuth(HW_GUIDE.req, HW_GUIDE.ak, HW_GUIDE.signed, HW_GUIDE.signature);
    const r = verifyRequest(
      { ...req, headers: { ...req.headers, host: "evil.example.com" } },
      { keys: [{ accessKey: HW_GUIDE.ak, secretKey: HW_GUIDE.sk }], now: HW_GUIDE.at },
    );
    expect(r).toMatchObject({ ok: false, reason: "bad-signature" });
  });

  test("wrong secret key", () => {
    const r = verifyRequest(signedPost, { keys: [{ accessKey: "AccessKey", secretKey: "Other" }], now: GO_AT });
    expect(r).toMatchObject({ ok: false, reason: "bad-signature" });
  });

  test("date skew beyond 15 min (configurable)", () => {
    expect(verifyRequest(signedPost, { keys: goKeys, now: GO_AT + 15 * 60_000 })).toMatchObject({ ok: true });
    expect(verifyRequest(signedPost, { keys: goKeys, now: GO_AT + 15 * 60_000 + 1 })).toMatchObject({ ok: false, reason: "clock-skew" });
    expect(verifyRequest(signedPost, { keys: goKeys, now: GO_AT - 16 * 60_000 })).toMatchObject({ ok: false, reason: "clock-skew" });
    expect(verifyRequest(signedPost, { keys: goKeys, now: GO_AT + 60_000, clockSkewMs: 30_000 })).toMatchObject({
      ok: false,
      reason: "clock-skew",
    });
  });

  test("x-sdk-date must be signed and present and well-formed", () => {
    const sig = createHmac("sha256", "SecretKey").update("irrelevant").digest("hex");
    const notSigned = withAuth({ ...GO_GET, headers: { ...GO_GET.headers, host: "h" } }, "AccessKey", ["host"], sig);
    expect(verifyRequest(notSigned, opts)).toMatchObject({ ok: false, reason: "date-not-signed" });
    const missing = withAuth({ ...GO_GET, headers: {} }, "AccessKey", ["x-sdk-date"], sig);
    expect(verifyRequest(missing, opts)).toMatchObject({ ok: false, reason: "missing-date" });
    const bad = withAuth({ ...GO_GET, headers: { "x-sdk-date": "yesterday" } }, "AccessKey", ["x-sdk-date"], sig);
    expect(verifyRequest(bad, opts)).toMatchObject({ ok: false, reason: "malformed-date" });
  });

  test("a signed header missing from the request", () => {
    const req = withAuth(GO_GET, "AccessKey", ["host", "x-sdk-date"], GO_GET_SIG);
    expect(verifyRequest(req, opts)).toMatchObject({ ok: false, reason: "missing-signed-header" });
  });

  test("unknown AK, missing or malformed Authorization", () => {
    expect(verifyRequest(withAuth(GO_GET, "Nobody", ["x-sdk-date"], GO_GET_SIG), opts)).toMatchObject({
      ok: false,
      reason: "unknown-access-key",
      accessKey: "Nobody",
    });
    expect(verifyRequest(GO_GET, opts)).toMatchObject({ ok: false, reason: "missing-authorization" });
    expect(verifyRequest({ ...GO_GET, headers: { ...GO_GET.headers, authorization: "Basic abc" } }, opts)).toMatchObject({
      ok: false,
      reason: "malformed-authorization",
    });
  });

  test("key lookup may be a function", () => {
    const r = verifyRequest(withAuth(GO_GET, "AccessKey", ["x-sdk-date"], GO_GET_SIG), {
      keys: (ak) => (ak === "AccessKey" ? goKeys[0] : undefined),
      now: GO_AT,
    });
    expect(r.ok).toBe(true);
  });

  describe("temporary keys", () => {
    const temp: VerifierKey[] = [{ accessKey: "AccessKey", secretKey: "SecretKey", securityToken: "sts-token" }];
    const signedWith = (token: string | undefined): SignableRequest => {
      const base: SignableRequest = token === undefined ? GO_GET : { ...GO_GET, headers: { ...GO_GET.headers, "x-security-token": token } };
      const signed = token === undefined ? ["x-sdk-date"] : ["x-sdk-date", "x-security-token"];
      return withAuth(base, "AccessKey", signed, computeSignature("SecretKey", base, signed).signature);
    };

    test("accepted with the right X-Security-Token", () => {
      expect(verifyRequest(signedWith("sts-token"), { keys: temp, now: GO_AT })).toMatchObject({ ok: true, temporary: true });
    });

    test("accepted when the token header is sent but not signed (GTC adds it after signing)", () => {
      const req = withAuth(GO_GET, "AccessKey", ["x-sdk-date"], GO_GET_SIG);
      const withToken = { ...req, headers: { ...req.headers, "x-security-token": "sts-token" } };
      expect(verifyRequest(withToken, { keys: temp, now: GO_AT })).toMatchObject({ ok: true });
    });

    test("missing or wrong token", () => {
      expect(verifyRequest(signedWith(undefined), { keys: temp, now: GO_AT })).toMatchObject({ ok: false, reason: "missing-security-token" });
      expect(verifyRequest(signedWith("other"), { keys: temp, now: GO_AT })).toMatchObject({ ok: false, reason: "wrong-security-token" });
    });

    test("a token sent with a permanent key", () => {
      expect(verifyRequest(signedWith("sts-token"), { keys: goKeys, now: GO_AT })).toMatchObject({
        ok: false,
        reason: "unexpected-security-token",
      });
    });
  });

  test("UNSIGNED-PAYLOAD is honoured when the client declares it", () => {
    const base: SignableRequest = { ...GO_POST, headers: { ...GO_POST.headers, "x-sdk-content-sha256": "UNSIGNED-PAYLOAD" } };
    const sig = computeSignature("SecretKey", base, ["x-sdk-date"]).signature;
    const req = withAuth({ ...base, body: "anything" }, "AccessKey", ["x-sdk-date"], sig);
    expect(verifyRequest(req, opts).ok).toBe(true);
  });
});
