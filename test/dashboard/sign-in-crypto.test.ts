import { describe, expect, it } from "vitest";
import { deriveDashboardKeys } from "../../src/dashboard/web/dashboard-keys.ts";
import { openSealedText, sealText } from "../../src/dashboard/web/seal-text.ts";
import {
  csrfTokenFor,
  isCsrfTokenValid,
  readSignedValue,
  signValue,
} from "../../src/dashboard/web/signed-value.ts";

const keys = deriveDashboardKeys({
  dashboardSecret: "a".repeat(32),
  webhookSecret: undefined,
  privateKey: undefined,
});

describe("the dashboard's keys", () => {
  it("are two different keys, the same for the same secret, different for another", () => {
    expect(keys.signing.equals(keys.encryption)).toBe(false);
    const again = deriveDashboardKeys({
      dashboardSecret: "a".repeat(32),
      webhookSecret: "w",
      privateKey: "k",
    });
    expect(again.signing.equals(keys.signing)).toBe(true);
    const fromApp = deriveDashboardKeys({
      dashboardSecret: undefined,
      webhookSecret: "w",
      privateKey: "k",
    });
    expect(fromApp.signing.equals(keys.signing)).toBe(false);
    const otherApp = deriveDashboardKeys({
      dashboardSecret: undefined,
      webhookSecret: "w2",
      privateKey: "k",
    });
    expect(otherApp.signing.equals(fromApp.signing)).toBe(false);
  });

  it("cannot be made without a secret, and say which variable to set", () => {
    expect(() =>
      deriveDashboardKeys({
        dashboardSecret: undefined,
        webhookSecret: undefined,
        privateKey: "k",
      }),
    ).toThrow(/REVUE_DASHBOARD_SECRET/);
  });
});

describe("signed values and CSRF tokens", () => {
  it("reads back what was signed, for its purpose only, and nothing altered", () => {
    const signed = signValue(keys.signing, "session", "abc");
    expect(readSignedValue(keys.signing, "session", signed)).toBe("abc");
    expect(readSignedValue(keys.signing, "oauth-state", signed)).toBeUndefined();
    expect(readSignedValue(keys.signing, "session", signed.replace("abc", "abd"))).toBeUndefined();
    expect(readSignedValue(keys.encryption, "session", signed)).toBeUndefined();
    expect(readSignedValue(keys.signing, "session", "abc")).toBeUndefined();
    expect(readSignedValue(keys.signing, "session", undefined)).toBeUndefined();
  });

  it("accepts a session's own CSRF token only", () => {
    const token = csrfTokenFor(keys.signing, "session-1");
    expect(isCsrfTokenValid(keys.signing, "session-1", token)).toBe(true);
    expect(isCsrfTokenValid(keys.signing, "session-2", token)).toBe(false);
    expect(isCsrfTokenValid(keys.signing, "session-1", undefined)).toBe(false);
    expect(isCsrfTokenValid(keys.signing, "session-1", `${token}x`)).toBe(false);
  });
});

describe("sealed tokens", () => {
  it("open with their key only, differ each time, and refuse any change", () => {
    const sealed = sealText(keys.encryption, "ghu_secret");
    expect(sealed).not.toContain("ghu_secret");
    expect(sealText(keys.encryption, "ghu_secret")).not.toBe(sealed);
    expect(openSealedText(keys.encryption, sealed)).toBe("ghu_secret");
    expect(openSealedText(keys.signing, sealed)).toBeUndefined();
    const parts = sealed.split(".");
    parts[3] = Buffer.from("ghu_other").toString("base64url");
    expect(openSealedText(keys.encryption, parts.join("."))).toBeUndefined();
    expect(openSealedText(keys.encryption, "not sealed")).toBeUndefined();
  });
});
