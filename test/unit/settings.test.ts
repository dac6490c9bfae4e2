import { cssEndpoint, iamEndpoint, inferCloud } from "../../provider/core/endpoints";
import { readStackConfig, readTuning, resolveCredentials, resolveTarget, secretValues, storedTarget, withAuthUrl } from "../../provider/core/settings";

describe("resolveTarget: input, then stack config, then environment", () => {
  it("prefers the resource input over config and env", () => {
    const t = resolveTarget({ region: "eu-nl", projectId: "p-input" }, { region: "eu-de", projectId: "p-config" }, { OS_REGION_NAME: "eu-ch2", OS_PROJECT_ID: "p-env" });
    expect(t).toMatchObject({ region: "eu-nl", projectId: "p-input", cloud: "otc", baseUrl: "https://css.eu-nl.otc.t-systems.com", authUrl: "https://iam.eu-nl.otc.t-systems.com/v3" });
  });
  it("falls back to stack config, then env (HW_ before OS_)", () => {
    expect(resolveTarget({}, { region: "eu-de", projectId: "pc" }, { OS_REGION_NAME: "x-y" })).toMatchObject({ region: "eu-de", projectId: "pc" });
    expect(resolveTarget({}, {}, { HW_REGION_NAME: "cn-north-4", OS_REGION_NAME: "eu-de", OS_TENANT_ID: "t", OS_PROJECT_ID: "p" })).toMatchObject({
      region: "cn-north-4",
      projectId: "t",
      cloud: "huaweicloud",
      baseUrl: "https://css.cn-north-4.myhuaweicloud.com",
    });
    expect(resolveTarget({}, {}, { OS_REGION: "eu-de", HUAWEICLOUD_SDK_PROJECT_ID: "sdk" })).toMatchObject({ region: "eu-de", projectId: "sdk" });
  });
  it("uses the endpoint override, and IAM on the same host when only the override is known", () => {
    const t = resolveTarget({ endpoint: "http://127.0.0.1:9/", projectId: "p" }, {}, {});
    expect(t).toMatchObject({ baseUrl: "http://127.0.0.1:9", authUrl: "http://127.0.0.1:9/v3" });
    expect(resolveTarget({ projectId: "p" }, { endpoint: "https://x.example", authUrl: "https://iam.example/v3/" }, {})).toMatchObject({
      baseUrl: "https://x.example",
      authUrl: "https://iam.example/v3",
    });
  });
  it("refuses plain http to a non-loopback host from every source: stack config, environment, authUrl", () => {
    expect(() => resolveTarget({ projectId: "p" }, { endpoint: "http://css.example.com" }, {})).toThrow(/css-vpcep:endpoint.*https/);
    expect(() => resolveTarget({ projectId: "p" }, {}, { CSS_VPCEP_ENDPOINT: "http://10.1.2.3:8080" })).toThrow(/CSS_VPCEP_ENDPOINT.*https/);
    expect(() => resolveTarget({ projectId: "p", region: "eu-de" }, { authUrl: "http://iam.example.com/v3" }, {})).toThrow(/authUrl.*https/);
    expect(() => resolveTarget({ projectId: "p", region: "eu-de" }, {}, { OS_AUTH_URL: "http://iam.example.com/v3" })).toThrow(/OS_AUTH_URL.*https/);
    expect(resolveTarget({ projectId: "p" }, {}, { CSS_VPCEP_ENDPOINT: "http://127.0.0.1:8080" })).toMatchObject({ baseUrl: "http://127.0.0.1:8080" });
  });
  it("records a target that withAuthUrl makes usable again with the same IAM URL", () => {
    for (const t of [
      resolveTarget({ region: "eu-de", projectId: "p" }, {}, {}),
      resolveTarget({ endpoint: "http://127.0.0.1:9", projectId: "p" }, {}, {}),
      resolveTarget({ endpoint: "https://private.example", region: "eu-de", projectId: "p" }, {}, {}),
    ]) {
      const stored = storedTarget(t);
      expect(stored).not.toHaveProperty("authUrl");
      expect(withAuthUrl(stored, {}, {})).toEqual(t);
    }
  });
  it("explains what is missing", () => {
    expect(() => resolveTarget({ region: "eu-de" }, {}, {})).toThrow(/projectId is not set.*css-vpcep:projectId.*OS_PROJECT_ID/);
    expect(() => resolveTarget({ projectId: "p" }, {}, {})).toThrow(/region is not set/);
    expect(() => resolveTarget({ projectId: "p", region: "eu-de" }, { cloud: "aws" }, {})).toThrow(/cloud must be "otc" or "huaweicloud", got "aws"/);
  });
});

describe("resolveCredentials", () => {
  it("prefers AK/SK, with a security token for temporary keys", () => {
    expect(resolveCredentials({ accessKey: "AK", secretKey: "SK" }, { OS_AUTH_TOKEN: "t" })).toEqual({ kind: "aksk", accessKey: "AK", secretKey: "SK" });
    expect(resolveCredentials({}, { HW_ACCESS_KEY: "A", HW_SECRET_KEY: "S", HW_SECURITY_TOKEN: "T" })).toEqual({ kind: "aksk", accessKey: "A", secretKey: "S", securityToken: "T" });
    expect(resolveCredentials({}, { HUAWEICLOUD_SDK_AK: "A", HUAWEICLOUD_SDK_SK: "S" })).toMatchObject({ kind: "aksk" });
  });
  it("config beats env field by field", () => {
    expect(resolveCredentials({ accessKey: "CFG" }, { OS_ACCESS_KEY: "ENV", OS_SECRET_KEY: "S" })).toMatchObject({ accessKey: "CFG", secretKey: "S" });
  });
  it("then a token, then username/password/domain", () => {
    expect(resolveCredentials({}, { OS_TOKEN: "tok" })).toEqual({ kind: "token", token: "tok" });
    expect(resolveCredentials({ username: "u", password: "p" }, { OS_DOMAIN_NAME: "d" })).toEqual({ kind: "password", username: "u", password: "p", domainName: "d" });
  });
  it("fails clearly on half a key pair, half a login, or nothing", () => {
    expect(() => resolveCredentials({ accessKey: "A" }, {})).toThrow(/missing the secret key/);
    expect(() => resolveCredentials({}, { OS_USERNAME: "u", OS_PASSWORD: "p" })).toThrow(/domainName/);
    expect(() => resolveCredentials({}, {})).toThrow(/no credentials found/);
  });
  it("never puts a secret value in its messages", () => {
    try {
      resolveCredentials({ secretKey: "VERY-SECRET" }, {});
      throw new Error("expected a failure");
    } catch (e) {
      expect(String(e)).not.toContain("VERY-SECRET");
    }
  });
  it("lists every configured secret for redaction", () => {
    expect(secretValues({ password: "pw1" }, { OS_SECRET_KEY: "sk1", OS_REGION_NAME: "eu-de" }).sort()).toEqual(["pw1", "sk1"]);
  });
});

describe("readStackConfig", () => {
  it("reads the css-vpcep namespace only", () => {
    const raw: Record<string, string> = { "css-vpcep:region": "eu-de", "css-vpcep:secretKey": "s", "other:region": "x" };
    expect(readStackConfig((k) => raw[k])).toEqual({ region: "eu-de", secretKey: "s" });
  });
});

describe("readTuning", () => {
  it("defaults to production timings and accepts overrides", () => {
    expect(readTuning({}).retry).toEqual({ baseMs: 500, capMs: 20000, maxAttempts: 60 });
    expect(readTuning({ CSS_VPCEP_RETRY_BASE_MS: "5", CSS_VPCEP_MAX_ATTEMPTS: "3", CSS_VPCEP_POLL_BASE_MS: "junk" })).toMatchObject({
      retry: { baseMs: 5, maxAttempts: 3 },
      poll: { baseMs: 1000 },
    });
  });
});

describe("endpoints", () => {
  it.each([
    ["otc", "eu-de", "https://css.eu-de.otc.t-systems.com", "https://iam.eu-de.otc.t-systems.com/v3"],
    ["otc", "eu-ch2", "https://css.eu-ch2.sc.otc.t-systems.com", "https://iam-pub.eu-ch2.sc.otc.t-systems.com/v3"],
    ["huaweicloud", "cn-north-4", "https://css.cn-north-4.myhuaweicloud.com", "https://iam.cn-north-4.myhuaweicloud.com/v3"],
    ["huaweicloud", "cn-north-1", "https://es.cn-north-1.myhuaweicloud.com", "https://iam.cn-north-1.myhuaweicloud.com/v3"],
    ["huaweicloud", "eu-west-101", "https://css.eu-west-101.myhuaweicloud.eu", "https://iam.eu-west-101.myhuaweicloud.eu/v3"],
  ] as const)("%s %s", (cloud, region, css, iam) => {
    expect(cssEndpoint(cloud, region)).toBe(css);
    expect(iamEndpoint(cloud, region)).toBe(iam);
  });
  it("infers the cloud from the region", () => {
    expect(inferCloud("eu-nl")).toBe("otc");
    expect(inferCloud("ap-southeast-1")).toBe("huaweicloud");
  });
});
