/** The lookup's pure parts: argument checks and the result's shape. */
import * as pulumi from "@pulumi/pulumi";
import { checkLookupArgs } from "../../provider/lookup/inputs";
import { toLookupResult } from "../../provider/lookup/result";
import type { GetVpcepConnectionsArgs } from "../../provider";

describe("checkLookupArgs", () => {
  it("applies the default timeout, trims, and drops trailing slashes from the endpoint", () => {
    expect(checkLookupArgs({ clusterId: " c1 ", endpoint: "https://css.example.com//" })).toEqual({
      clusterId: "c1",
      endpoint: "https://css.example.com",
      timeoutSeconds: 600,
    });
    expect(checkLookupArgs({ clusterId: "c1", region: "eu-de", projectId: "p", cloud: "otc", timeoutSeconds: 5 })).toEqual({
      clusterId: "c1",
      region: "eu-de",
      projectId: "p",
      cloud: "otc",
      timeoutSeconds: 5,
    });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ["no cluster id", {}, /clusterId is required/],
    ["a path in the cluster id", { clusterId: "a/../b" }, /clusterId must be a CSS cluster ID/],
    ["a dot-dot cluster id", { clusterId: ".." }, /clusterId must be a CSS cluster ID/],
    ["a blank project", { clusterId: "c1", projectId: " " }, /projectId must be a non-empty string/],
    ["an unknown cloud", { clusterId: "c1", cloud: "aws" }, /cloud must be "otc" or "huaweicloud"/],
    ["plain http to a remote host", { clusterId: "c1", endpoint: "http://css.example.com" }, /endpoint must use https:\/\//],
    ["a negative timeout", { clusterId: "c1", timeoutSeconds: -1 }, /timeoutSeconds must be a positive number/],
    ["a timeout as text", { clusterId: "c1", timeoutSeconds: "60" }, /timeoutSeconds must be a positive number/],
    ["an Output passed to the plain form", { clusterId: pulumi.output("c1") }, /clusterId is an Output: use getVpcepConnectionsOutput/],
  ])("refuses %s", (_what, args, message) => {
    expect(() => checkLookupArgs(args as unknown as GetVpcepConnectionsArgs)).toThrow(message);
  });

  it("lists every problem in one message", () => {
    expect(() => checkLookupArgs({ clusterId: "", region: "EU", timeoutSeconds: 0 })).toThrow(
      /^getVpcepConnections: clusterId must be a non-empty string.*; region must be a region name.*; timeoutSeconds must be a positive number/,
    );
  });
});

describe("toLookupResult", () => {
  it("a closed service: not open, empty lists, nothing else", () => {
    expect(toLookupResult("c1", undefined, { vpcepIp: "10.0.0.1" })).toEqual({ clusterId: "c1", serviceOpen: false, whitelist: [], connections: [] });
  });

  it("an open one: connections sorted by id (copied), whitelist and service name as listed, addresses when reported", () => {
    const list = {
      connections: [
        { id: "b", status: "accepted", domainId: "d2" },
        { id: "B", status: "pendingAcceptance" },
        { id: "a", status: "rejected", domainId: "d1" },
      ],
      vpcServiceName: "eu-de.css.x",
      permissions: ["d1", "d2"],
    };
    const result = toLookupResult("c1", list, { vpcepIp: "10.0.0.1" });
    expect(result).toEqual({
      clusterId: "c1",
      serviceOpen: true,
      vpcServiceName: "eu-de.css.x",
      whitelist: ["d1", "d2"],
      connections: [list.connections[1], list.connections[2], list.connections[0]],
      addresses: { vpcepIp: "10.0.0.1" },
    });
    expect(result.connections[0]).not.toBe(list.connections[1]);
    expect(result.whitelist).not.toBe(list.permissions);
  });

  it("leaves out what CSS did not report", () => {
    const result = toLookupResult("c1", { connections: [] }, {});
    expect(result).toEqual({ clusterId: "c1", serviceOpen: true, whitelist: [], connections: [] });
    expect(result).not.toHaveProperty("vpcServiceName");
    expect(result).not.toHaveProperty("addresses");
  });
});
