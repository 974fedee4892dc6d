import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import { TLP_COLOURS, TlpBadge } from "./TlpBadge";

describe("TlpBadge", () => {
  it.each([
    ["red", "TLP:RED", "rgb(255, 43, 43)"],
    ["amber", "TLP:AMBER", "rgb(255, 192, 0)"],
    ["amber+strict", "TLP:AMBER+STRICT", "rgb(255, 192, 0)"],
    ["green", "TLP:GREEN", "rgb(51, 255, 0)"],
    ["clear", "TLP:CLEAR", "rgb(255, 255, 255)"],
  ])("%s is %s in FIRST colours on black", (tlp, label, colour) => {
    render(<TlpBadge tlp={tlp} />);
    const b = screen.getByTestId("tlp-badge");
    expect(b.textContent).toBe(label);
    expect(b.style.color).toBe(colour);
    expect(b.style.backgroundColor).toBe("rgb(0, 0, 0)");
  });

  it("uses FIRST's hex values", () => {
    expect(TLP_COLOURS).toEqual({
      red: "#FF2B2B",
      amber: "#FFC000",
      "amber+strict": "#FFC000",
      green: "#33FF00",
      clear: "#FFFFFF",
    });
  });

  it("accepts any case", () => {
    render(<TlpBadge tlp="AMBER+STRICT" />);
    expect(screen.getByTestId("tlp-badge").textContent).toBe("TLP:AMBER+STRICT");
  });
});
