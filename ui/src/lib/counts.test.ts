import { describe, expect, it } from "vitest";
import { countsText, hexGroups, kindPhrase, withheldText } from "./counts";

describe("withheld preview text", () => {
  it("lists what stays home at the ceiling", () => {
    expect(
      withheldText("green", [
        { kind: "event", count: 212 },
        { kind: "note", count: 1 },
      ]),
    ).toBe("Withheld at TLP:GREEN: 212 events, 1 note");
    expect(withheldText("amber+strict", [{ kind: "evidence", count: 2 }])).toBe(
      "Withheld at TLP:AMBER+STRICT: 2 evidence items",
    );
  });

  it("says so when nothing is withheld (no counts, or only zeros)", () => {
    expect(withheldText("red", [])).toBe("Nothing is withheld");
    expect(withheldText("clear", [{ kind: "event", count: 0 }])).toBe("Nothing is withheld");
  });

  it("names kinds in the singular and plural", () => {
    expect(kindPhrase("custody", 1)).toBe("1 custody entry");
    expect(kindPhrase("custody", 3)).toBe("3 custody entries");
    expect(kindPhrase("widget", 2)).toBe("2 widget");
    expect(countsText([{ kind: "observable", count: 1 }, { kind: "task", count: 0 }, { kind: "asset", count: 4 }])).toBe(
      "1 observable, 4 assets",
    );
  });

  it("groups a hash in fours", () => {
    const g = hexGroups("AB".repeat(32));
    expect(g).toHaveLength(16);
    expect(g[0]).toBe("abab");
  });
});
