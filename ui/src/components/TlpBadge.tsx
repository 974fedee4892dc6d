// TLP 2.0 label in FIRST's colours: coloured text on a black background.

/** FIRST TLP 2.0 text colours (https://www.first.org/tlp/). */
export const TLP_COLOURS: Record<string, string> = {
  red: "#FF2B2B",
  amber: "#FFC000",
  "amber+strict": "#FFC000",
  green: "#33FF00",
  clear: "#FFFFFF",
};

export function tlpLabel(tlp: string): string {
  return "TLP:" + tlp.toUpperCase();
}

export function TlpBadge({ tlp }: { tlp: string }) {
  const word = tlp.toLowerCase();
  const colour = TLP_COLOURS[word];
  return (
    <span
      className="tlp-badge"
      data-testid="tlp-badge"
      data-tlp={word}
      style={{ color: colour ?? "#FFFFFF", backgroundColor: "#000000" }}
      title={colour ? tlpLabel(word) : `unknown TLP label "${tlp}"`}
    >
      {colour ? tlpLabel(word) : tlpLabel(word || "?")}
    </span>
  );
}
