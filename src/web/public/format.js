// Formatting for the dashboard: escaping for HTML, token amounts (exact decimal strings from the API, shown rounded),
// the revenue share, keys and times. Pure functions, no DOM: they run in node tests too.

const escapes = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text (or anything) safe to place in HTML text and in quoted attributes. */
export function escapeHtml(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => escapes[c]);
}

/** A tagged template that escapes every interpolated value, except values made by raw(). */
export function html(strings, ...values) {
  let out = strings[0];
  values.forEach((value, i) => {
    out +=
      (value instanceof Raw ? value.text : Array.isArray(value) ? value.map(asHtml).join("") : escapeHtml(value)) +
      strings[i + 1];
  });
  return new Raw(out);
}

class Raw {
  constructor(text) {
    this.text = text;
  }
  toString() {
    return this.text;
  }
}

const asHtml = (v) => (v instanceof Raw ? v.text : escapeHtml(v));

/** Markup already escaped (built with html``): inserted as is. */
export function raw(text) {
  return new Raw(String(text));
}

/** Base units (the API's amounts: integer strings, 18 decimals) as an exact decimal string of tokens. */
export function unitsToDecimal(units, decimals = 18) {
  const match = /^(-?)(\d+)$/.exec(String(units ?? ""));
  if (!match) return null;
  const [, sign, digits] = match;
  const padded = digits.padStart(decimals + 1, "0");
  const whole = padded.slice(0, -decimals).replace(/^0+(?=\d)/, "");
  const fraction = padded.slice(-decimals).replace(/0+$/, "");
  return `${sign}${whole}${fraction ? `.${fraction}` : ""}`;
}

/** Base units shown as tokens for people (see formatToken); "–" when missing. */
export function formatGwk(units, digits = 4) {
  return formatToken(unitsToDecimal(units), digits);
}

/** Base units as a (rounded) number of tokens, for chart scales only. */
export function gwkNumber(units) {
  const n = Number(unitsToDecimal(units) ?? 0);
  return Number.isFinite(n) ? n : 0;
}

/**
 * A decimal token amount for people: thousands separators, at most `digits` decimals, never rounded to a misleading
 * zero (tiny amounts show as "<0.0001"). The exact value stays in the element's data-value attribute.
 */
export function formatToken(value, digits = 4) {
  if (value === null || value === undefined || value === "") return "–";
  const text = String(value);
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return text;
  const [, sign, whole, fraction = ""] = match;
  const kept = fraction.slice(0, digits).replace(/0+$/, "");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  if (whole === "0" && kept === "" && /[1-9]/.test(fraction)) return `${sign}<0.${"0".repeat(digits - 1)}1`;
  return `${sign}${grouped}${kept ? `.${kept}` : ""}`;
}

/**
 * The revenue share as a percentage, from its decimal ("0.0099"); "–" when undefined. The API floors it to a basis
 * point, so with some revenue (base units) a share of 0 reads "<0.01 %", not a misleading zero.
 */
export function formatShare(share, revenue) {
  if (share === null || share === undefined || share === "") return "–";
  const n = Number(share);
  if (!Number.isFinite(n)) return "–";
  if (n === 0 && /^[1-9]\d*$/.test(String(revenue ?? ""))) return "<0.01 %";
  return `${(n * 100).toFixed(2)} %`;
}

/** 0x1234abcd…ef01: enough of a key or address to tell it apart. */
export function shortHex(value, keep = 6) {
  const text = String(value ?? "");
  return text.length > keep * 2 + 3 ? `${text.slice(0, keep + 2)}…${text.slice(-keep)}` : text;
}

/** A time (ISO string, unix seconds or milliseconds) as local date and time; "–" when missing. */
export function formatTime(value) {
  if (value === null || value === undefined || value === "") return "–";
  const date = toDate(value);
  return date ? date.toLocaleString(undefined, { dateStyle: "short", timeStyle: "medium" }) : String(value);
}

/** How long ago, in words ("12 s ago"), relative to `now` (ms). */
export function formatAgo(value, now = Date.now()) {
  const date = toDate(value);
  if (!date) return "–";
  const seconds = Math.max(0, Math.round((now - date.getTime()) / 1000));
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 129600) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

function toDate(value) {
  if (typeof value === "number" || /^\d+$/.test(String(value))) {
    const n = Number(value);
    // Unix seconds until the year 5138; milliseconds above.
    const date = new Date(n < 1e11 ? n * 1000 : n);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  const date = new Date(String(value));
  return Number.isNaN(date.getTime()) ? null : date;
}
