// The provider page's coverage panel: a hotspot's proof-of-coverage verdict in the latest judged epoch (valid or
// flagged and why, witnesses, rejected reports by reason, density scale, reward weight), its recent epochs and its
// witness reports. Empty (hidden) for providers that never took part in proof of coverage.
import { html, raw, shortHex } from "./format.js";

const verdictOf = (w) => (w.rewarded ? "rewarded" : w.valid ? "valid" : "rejected");

export function coveragePanelHtml(h) {
  const item = (label, value) => html`<dt>${label}</dt><dd>${value}</dd>`;
  const rejected = Object.entries(h.rejected).sort((a, b) => b[1] - a[1]);
  return html`<dl class="estimate" data-role="coverage-verdict" data-valid="${h.valid}" data-epoch="${h.epoch}">
      ${item("Epoch", String(h.epoch))}
      ${item("Verdict", h.valid ? html`<span class="badge" data-status="active">valid</span>` : html`<span class="badge" data-status="jailed">flagged: ${h.flag}</span>`)}
      ${item("Location", h.locationVerified ? "verified by witnesses" : "unverified")}
      ${item("Asserted cell", h.cell ?? "–")}
      ${item("Beacon", h.beaconed ? `sent, ${h.beaconWitnesses} rewarded witness(es)` : "not sent")}
      ${item("Witness reports", `${h.witnessed} rewarded, ${h.reports.valid} valid of ${h.reports.total}`)}
      ${item("Rejected", rejected.length ? rejected.map(([reason, n]) => `${reason} ${n}`).join(", ") : "none")}
      ${item("Density scale", (h.densityScalePpm / 1e6).toFixed(3))}
      ${item("Reward weight", h.weight)}
    </dl>
    <h3>Recent epochs</h3>
    <div class="table-wrap"><table><thead><tr><th>Epoch</th><th>Verdict</th><th class="num">Beacon witnesses</th><th class="num">Witnessed</th><th class="num">Weight</th></tr></thead>
    <tbody>${h.history.map(
      (e) =>
        html`<tr><td>${e.epoch}</td><td>${e.valid ? "valid" : `flagged: ${e.flag}`}</td><td class="num">${e.beaconWitnesses}</td><td class="num">${e.witnessed}</td><td class="num">${e.weight}</td></tr>`,
    )}</tbody></table></div>
    <h3>Witness reports in epoch ${h.epoch}</h3>
    ${
      h.recentWitnesses.length === 0
        ? raw('<p class="muted">No witness reports by it or of its beacon.</p>')
        : html`<div class="table-wrap"><table data-role="coverage-witnesses"><thead><tr><th>Witness</th><th>Beaconer</th><th class="num">Metres</th><th class="num">RSSI</th><th class="num">SNR</th><th>Verdict</th><th>Reason</th></tr></thead>
    <tbody>${h.recentWitnesses.map(
      (w) =>
        html`<tr data-verdict="${verdictOf(w)}"><td class="mono">${shortHex(w.witness)}</td><td class="mono">${shortHex(w.beaconer)}</td><td class="num">${w.distanceM === null ? "–" : Math.round(w.distanceM)}</td><td class="num">${w.rssiDbm}</td><td class="num">${w.snrDb}</td><td>${verdictOf(w)}</td><td>${w.reason ?? ""}</td></tr>`,
    )}</tbody></table></div>`
    }`;
}

/** Fills `section` with the hotspot's coverage, or hides it when there is none. */
export async function loadCoveragePanel(section, api, nodeKey) {
  const hotspot = await api.coverageHotspot(nodeKey);
  section.hidden = !hotspot;
  if (hotspot) section.querySelector('[data-role="coverage"]').innerHTML = coveragePanelHtml(hotspot).text;
}
