import { describe, expect, it } from "vitest";
import { claimsOf, pkceChallenge } from "./oidc";

describe("OpenID Connect helpers", () => {
  it("derives the S256 challenge of RFC 7636's example verifier", async () => {
    expect(await pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
      .toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  });

  it("reads roles and organisation from an access token", () => {
    const payload = Buffer.from(JSON.stringify({ sub: "u-1", roles: ["monitor"], org: "org-amdh",
      preferred_username: "awa", exp: 10 })).toString("base64url");
    expect(claimsOf(`x.${payload}.y`)).toEqual({ sub: "u-1", roles: ["monitor"], org: "org-amdh", username: "awa",
      exp: 10 });
  });
});
