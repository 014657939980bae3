import { describe, expect, it } from "vitest";
import { scanDetector } from "../lib/scanner";

function typeKeys(keys: string[], gap: number, start = 1000) {
  const d = scanDetector();
  let t = start;
  let out: string | null = null;
  for (const key of keys) {
    out = d.key({ key, timeStamp: t, ctrlKey: false, altKey: false, metaKey: false });
    t += gap;
  }
  return out;
}

describe("scanner detection", () => {
  it("takes a fast burst ending in Enter as a scan", () => {
    expect(typeKeys([..."5390000000017", "Enter"], 8)).toBe("5390000000017");
  });
  it("leaves a person typing alone", () => {
    expect(typeKeys([..."5390000000017", "Enter"], 120)).toBeNull();
  });
  it("ignores bursts too short to be a code", () => {
    expect(typeKeys(["1", "2", "Enter"], 5)).toBeNull();
  });
  it("starts a new burst after a pause, dropping what a person typed before", () => {
    const d = scanDetector();
    const k = (key: string, timeStamp: number) => d.key({ key, timeStamp, ctrlKey: false, altKey: false, metaKey: false });
    k("x", 0);
    k("y", 300);
    let t = 1000;
    for (const c of "ABC-123") k(c, (t += 10));
    expect(k("Enter", t + 10)).toBe("ABC-123");
  });
  it("a slow Enter after fast keys is a person finishing, not a scan", () => {
    const d = scanDetector();
    let t = 0;
    for (const c of "12345") d.key({ key: c, timeStamp: (t += 5), ctrlKey: false, altKey: false, metaKey: false });
    expect(d.key({ key: "Enter", timeStamp: t + 500, ctrlKey: false, altKey: false, metaKey: false })).toBeNull();
  });
});
