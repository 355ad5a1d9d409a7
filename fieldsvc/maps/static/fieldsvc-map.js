/* fieldsvc map helpers (embedded in every map page by fieldsvc.maps.elements).
 *
 * Bins arrive as ONE compact table, {rows: [[lat, lon, code, stream, condition, inspected,
 * capacity_l, photo_url], ...]} with stream/condition as indexes into cfg.streams/conditions,
 * and are clustered here with Leaflet.markercluster: a 100,000-bin register stays one array
 * instead of 100,000 generated Leaflet calls. Popups are built on click, from DOM nodes (never
 * innerHTML with register text).
 */
(function (global) {
  "use strict";

  var TH_MONTHS = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
                   "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."];
  var LAT = 0, LON = 1, CODE = 2, STREAM = 3, COND = 4, INSPECTED = 5, CAPACITY = 6, PHOTO = 7;

  /** "2026-08-11" → "11 ส.ค. 2569" (Buddhist era). */
  function thaiDate(iso) {
    if (!iso) return "–";
    var p = String(iso).split("-");
    var y = parseInt(p[0], 10), m = parseInt(p[1], 10), d = parseInt(p[2], 10);
    if (!(y && m >= 1 && m <= 12 && d)) return String(iso);
    return d + " " + TH_MONTHS[m - 1] + " " + (y + 543);
  }

  function node(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined && text !== null) el.textContent = text;
    return el;
  }

  function iconMaker(cfg) {
    var cache = {};
    return function (stream, cond) {
      var key = stream * 16 + cond;
      if (!cache[key]) {
        var s = cfg.streams[stream], c = cfg.conditions[cond];
        cache[key] = L.divIcon({
          className: "fs-bin fs-bin-" + s.key + " fs-bin-" + c.key,
          html: '<i class="fa fa-' + c.glyph + '" aria-hidden="true"></i>',
          iconSize: [24, 24],
          iconAnchor: [12, 12],
          popupAnchor: [0, -12]
        });
      }
      return cache[key];
    };
  }

  /** Cluster bubble: neutral colour (stream colours are taken), count, and a red badge with
   *  the number of bins that are not usable. While a large register is still being clustered
   *  (withBadge false) only the count is drawn: counting the problem bins of every visible
   *  cluster after each loading chunk costs seconds at 100,000 bins. */
  function clusterIcon(cfg, withBadge) {
    var usable = cfg.usableIndex;
    return function (cluster) {
      var n = cluster.getChildCount(), bad = 0;
      if (withBadge) {
        var markers = cluster.getAllChildMarkers();
        for (var i = 0; i < n; i++) if (markers[i].row[COND] !== usable) bad++;
      }
      var size = n < 100 ? 34 : n < 1000 ? 40 : n < 10000 ? 46 : 54;
      var html = "<div><span>" + n.toLocaleString("en-US") + "</span></div>";
      if (bad) {
        html += '<b class="fs-cluster-bad" title="' + cfg.text.problemBins + '">' +
          bad.toLocaleString("en-US") + "</b>";
      }
      return L.divIcon({ html: html, className: "marker-cluster fs-cluster",
                         iconSize: L.point(size, size) });
    };
  }

  function popupContent(cfg, row) {
    var s = cfg.streams[row[STREAM]], c = cfg.conditions[row[COND]], t = cfg.text;
    var box = node("div", "fs-popup");
    box.appendChild(node("div", "fs-popup-code", row[CODE]));
    var table = node("table");
    function line(label, value, className) {
      var tr = node("tr");
      tr.appendChild(node("th", null, label));
      tr.appendChild(node("td", className, value));
      table.appendChild(tr);
    }
    line(t.stream, s.th, "fs-stream-" + s.key);
    line(t.condition, c.th, "fs-cond-" + c.key);
    if (row[CAPACITY]) line(t.capacity, row[CAPACITY] + " " + t.litres);
    line(t.inspected, thaiDate(row[INSPECTED]));
    box.appendChild(table);
    var photo = row[PHOTO];
    if (photo && /^(\/|\.{0,2}\/|https?:\/\/)/.test(photo)) {
      var img = node("img", "fs-popup-photo");
      img.loading = "lazy";
      img.alt = t.photo + " " + row[CODE];
      img.src = photo;
      box.appendChild(img);
    }
    return box;
  }

  var ZOOM_HANDLERS = ["scrollWheelZoom", "doubleClickZoom", "touchZoom", "boxZoom", "keyboard"];

  /** No zooming while markercluster is still clustering: its zoom handler throws on clusters
   *  whose bounds are not computed yet. Returns the function that unlocks. */
  function lockZoom(map, message) {
    var locked = ZOOM_HANDLERS.filter(function (h) {
      return map[h] && map[h].enabled();
    });
    locked.forEach(function (h) { map[h].disable(); });
    if (map.zoomControl) map.zoomControl.disable();
    var note = L.DomUtil.create("div", "fs-loading", map.getContainer());
    note.textContent = message;
    return function () {
      locked.forEach(function (h) { map[h].enable(); });
      if (map.zoomControl) map.zoomControl.enable();
      L.DomUtil.remove(note);
    };
  }

  /** Fill a markerClusterGroup with the bins of `data`. */
  function addBins(map, group, data, cfg) {
    var icon = iconMaker(cfg), rows = data.rows, markers = new Array(rows.length);
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      var m = L.marker([r[LAT], r[LON]], { icon: icon(r[STREAM], r[COND]), title: r[CODE] });
      m.row = r;
      markers[i] = m;
    }
    var unlock = null;
    function ready() {
      if (unlock) unlock();
      group.options.iconCreateFunction = clusterIcon(cfg, true);
      group.refreshClusters();
      // Signals for tests and bench/map_bench.py: all bins clustered and drawn.
      global.fieldsvcBinsReadyAt = performance.now();
      document.documentElement.setAttribute("data-bins-ready", "1");
    }
    group.options.iconCreateFunction = clusterIcon(cfg, false);

    group.on("click", function (e) {
      if (!e.layer.row) return;
      L.popup({ maxWidth: 260, minWidth: 180 })
        .setLatLng(e.layer.getLatLng())
        .setContent(popupContent(cfg, e.layer.row))
        .openOn(map);
    });
    // Only once the group is on the map: before that, markercluster 1.1.0's addLayers checks
    // each new marker against every queued one (quadratic: ~7 s for 100,000 bins).
    var queued = markers;
    group.on("add", function () {
      if (!queued) return;
      var batch = queued;
      queued = null;
      group.options.chunkProgress = function (processed, total) {
        // Called before markercluster draws the last chunk: finish after it.
        if (processed >= total && total === batch.length) setTimeout(ready, 0);
      };
      unlock = lockZoom(map, cfg.text.loading);
      group.addLayers(batch);
    });
  }

  /** Circles of radius_m around serving bins, built the first time the layer is shown. */
  function serviceRadius(layer, data, cfg, radiusM) {
    var built = false;
    layer.on("add", function () {
      if (built) return;
      built = true;
      var rows = data.rows, serving = cfg.servingIndexes;
      var renderer = rows.length > cfg.canvasAbove ? L.canvas({ padding: 0.3 }) : undefined;
      for (var i = 0; i < rows.length; i++) {
        var r = rows[i];
        if (serving.indexOf(r[COND]) < 0) continue;
        L.circle([r[LAT], r[LON]], {
          radius: radiusM, renderer: renderer, interactive: false,
          color: cfg.streams[r[STREAM]].color, weight: 1, opacity: 0.7,
          fillOpacity: 0.08, className: "fs-service-radius"
        }).addTo(layer);
      }
    });
  }

  /** A Leaflet control holding pre-rendered, already escaped legend HTML. */
  function legend(map, html, position) {
    var control = L.control({ position: position || "bottomright" });
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "fs-legend leaflet-control");
      div.innerHTML = html;
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      var toggle = div.querySelector(".fs-legend-toggle");
      if (toggle) {
        toggle.addEventListener("click", function () {
          div.classList.toggle("fs-legend-collapsed");
        });
      }
      return div;
    };
    control.addTo(map);
    return control;
  }

  global.fieldsvcMaps = {
    thaiDate: thaiDate, addBins: addBins, serviceRadius: serviceRadius, legend: legend
  };
})(window);
