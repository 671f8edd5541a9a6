// A "log scale" checkbox for a chart: starts from what reads better for the data (prefersLogScale) until the person
// chooses, then keeps their choice across live refreshes.
import { prefersLogScale } from "./svg-chart.js";

export function createScaleToggle(onChange) {
  const label = document.createElement("label");
  label.className = "scale-toggle";
  label.innerHTML = '<input type="checkbox" name="log-scale"> Logarithmic scale';
  const box = label.querySelector("input");
  let chosen = null;
  box.addEventListener("change", () => {
    chosen = box.checked ? "log" : "linear";
    onChange();
  });
  return {
    element: label,
    /** The scale for these values: the person's choice, else log when they span more than three decades. */
    scaleFor(values) {
      const scale = chosen ?? (prefersLogScale(values) ? "log" : "linear");
      box.checked = scale === "log";
      return scale;
    },
  };
}
