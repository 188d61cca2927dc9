import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import en from "../../locales/en.json";
import fr from "../../locales/fr.json";
import { translate } from "./i18n";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "generated" ? [] : sources(path);
    return /\.tsx?$/.test(name) && !name.endsWith(".test.ts") ? [path] : [];
  });
}

describe("message catalogues", () => {
  it("have the same keys in French and English", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
  });

  it("have no empty message and the same placeholders in both languages", () => {
    for (const [key, text] of Object.entries(fr)) {
      const other = (en as Record<string, string>)[key] ?? "";
      expect(text.trim(), key).not.toBe("");
      expect(other.trim(), key).not.toBe("");
      expect(placeholders(other), key).toEqual(placeholders(text));
    }
  });

  it("hold every literal key the screens ask for", () => {
    const used = new Set<string>();
    for (const file of sources(join(__dirname, "..", ".."))) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/\bt\(\s*"([^"]+)"/g)) used.add(m[1] ?? "");
      for (const m of text.matchAll(/\b(?:title|intro)="([a-z]+\.[A-Za-z.]+)"/g)) used.add(m[1] ?? "");
    }
    expect(used.size).toBeGreaterThan(100);
    expect([...used].filter((key) => !(key in fr))).toEqual([]);
  });

  it("fills placeholders and falls back to the key only when a message is missing", () => {
    expect(translate("fr", "shell.queued", { count: 3 })).toBe("En attente\u00a0: 3");
    expect(translate("en", "shell.queued", { count: 3 })).toBe("Waiting: 3");
  });
});
