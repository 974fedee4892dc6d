import { describe, expect, it } from "vitest";
import { rowWindow, scrollTopToShow, slotKey } from "./rowWindow";

describe("rowWindow", () => {
  it("covers the visible rows plus the overscan, clamped to the list", () => {
    expect(rowWindow(0, 280, 28, 1000, 5)).toEqual({ start: 0, end: 15 });
    expect(rowWindow(2800, 280, 28, 1000, 5)).toEqual({ start: 95, end: 115 });
    // A partly visible row at either edge is included.
    expect(rowWindow(2814, 280, 28, 1000, 0)).toEqual({ start: 100, end: 111 });
    expect(rowWindow(27_900, 280, 28, 1000, 5)).toEqual({ start: 991, end: 1000 });
  });

  it("is empty for an empty list and never inverted past the end", () => {
    expect(rowWindow(0, 600, 28, 0, 20)).toEqual({ start: 0, end: 0 });
    expect(rowWindow(1e9, 600, 28, 10, 2)).toEqual({ start: 10, end: 10 });
    expect(rowWindow(-50, 56, 28, 10, 0)).toEqual({ start: 0, end: 2 });
  });

  it("gives every row of a window a distinct slot, and a row keeps its slot while it stays in view", () => {
    for (const w of [rowWindow(0, 600, 28, 37, 20), rowWindow(28 * 5003, 600, 28, 1e6, 20)]) {
      const slots = new Set();
      for (let i = w.start; i < w.end; i++) slots.add(slotKey(i, w));
      expect(slots.size).toBe(w.end - w.start);
    }
    const a = rowWindow(28 * 100, 600, 28, 1e6, 20);
    const b = rowWindow(28 * 103, 600, 28, 1e6, 20);
    expect(b.end - b.start).toBe(a.end - a.start);
    for (let i = b.start; i < a.end; i++) expect(slotKey(i, b)).toBe(slotKey(i, a));
  });
});

describe("scrollTopToShow", () => {
  it("moves as little as needed, and not at all for a row in view", () => {
    expect(scrollTopToShow(5, 0, 280, 28)).toBeNull();
    expect(scrollTopToShow(9, 0, 280, 28)).toBeNull();
    expect(scrollTopToShow(10, 0, 280, 28)).toBe(28);
    expect(scrollTopToShow(10, 300, 280, 28)).toBe(280);
    expect(scrollTopToShow(20, 0, 280, 28)).toBe(28 * 21 - 280);
    expect(scrollTopToShow(0, 500, 280, 28)).toBe(0);
  });
});
