/* fieldsvc map helpers (embedded in every map page by fieldsvc.maps.elements).
 *
 * Bins arrive as ONE compact table, {rows: [[lat, lon, code, stream, condition, inspected,
 * capacity_l, photo_url, thumbnail_url], ...]} with stream/condition as indexes into cfg.streams/conditions,
 * and are clustered here with supercluster (vendored, global `Supercluster`): a 100,000-bin
 * register stays one array instead of 100,000 generated Leaflet calls, and only what is in
 * view is ever a Leaflet marker. Popups are built on click, from DOM nodes (never
 * innerHTML with register text).
 */
(function (global) {
  "use strict";

  var TH_MONTHS = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
                   "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."];
  var LAT = 0, LON = 1, CODE = 2, STREAM = 3, COND = 4, INSPECTED = 5, CAPACITY = 6, PHOTO = 7,
      THUMBNAIL = 8;
  // Every marker is at least this many pixels square: a tap target for a finger (as on the
  // phone form's small map).
  var HIT_PX = 44;
  // A map narrower than this (pixels) is on a phone.
  var NARROW_PX = 600;

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
        // A small dot centred in a transparent square of HIT_PX: a finger's tap target
        // without bins drawn large enough to hide each other.
        cache[key] = L.divIcon({
          className: "fs-bin-hit",
          html: '<span class="fs-bin fs-bin-' + s.key + " fs-bin-" + c.key + '">' +
            '<i class="fa fa-' + c.glyph + '" aria-hidden="true"></i></span>',
          iconSize: [HIT_PX, HIT_PX],
          iconAnchor: [HIT_PX / 2, HIT_PX / 2],
          popupAnchor: [0, -14]
        });
      }
      return cache[key];
    };
  }

  /** Cluster bubble: neutral colour (stream colours are taken), count, and a red badge with
   *  the number of bins that are not usable (summed by supercluster while indexing). */
  function clusterIcon(cfg, n, bad) {
    var size = n < 100 ? HIT_PX : n < 1000 ? 48 : n < 10000 ? 52 : 58;
    var html = "<div><span>" + n.toLocaleString("en-US") + "</span></div>";
    if (bad) {
      html += '<b class="fs-cluster-bad" title="' + cfg.text.problemBins + '">' +
        bad.toLocaleString("en-US") + "</b>";
    }
    return L.divIcon({ html: html, className: "marker-cluster fs-cluster",
                       iconSize: L.point(size, size) });
  }

  // photo_url of a bin whose latest photo could not be opened: said in words, never an <img>.
  var UNREADABLE_PHOTO = "unreadable";
  function isUrl(value) { return /^(\/|\.{0,2}\/|https?:\/\/)/.test(value); }

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
    var photo = row[PHOTO], thumbnail = row[THUMBNAIL] || photo;
    if (photo && isUrl(photo) && isUrl(thumbnail)) {
      var link = node("a", "fs-popup-photo-link");
      link.href = photo;
      link.target = "_blank";
      link.rel = "noopener";
      link.title = t.photo_full;
      var img = node("img", "fs-popup-photo");
      img.loading = "lazy";
      img.alt = t.photo + " " + row[CODE];
      img.src = thumbnail;
      link.appendChild(img);
      box.appendChild(link);
    } else if (photo === UNREADABLE_PHOTO) {
      box.appendChild(node("div", "fs-popup-photo-unreadable", t.photo_unreadable));
    }
    return box;
  }

  /** The bins layer. The register is indexed once with supercluster (the first time the
   *  layer is shown: ~0.35 s for 100,000 bins on the 2-core dev box); after every move or zoom
   *  only the clusters and bins in and around the view become Leaflet markers (a few hundred
   *  at any zoom), and markers still in view are kept. opts: radius (px), maxClusterZoom
   *  (bins are drawn one by one above it), padding (share of the view drawn around it). */
  var BinLayer = L.FeatureGroup.extend({
    initialize: function (data, cfg, opts) {
      L.FeatureGroup.prototype.initialize.call(this, []);
      this._rows = data.rows;
      this._cfg = cfg;
      this._opts = opts;
      this._icon = iconMaker(cfg);
      this._index = null;
      this._shown = {};
      this.on("click", this._onClick, this);
    },

    onAdd: function (map) {
      L.FeatureGroup.prototype.onAdd.call(this, map);
      if (!this._index) this._index = this._buildIndex();
      map.on("moveend", this._update, this);
      map.whenReady(this._update, this);
    },

    onRemove: function (map) {
      map.off("moveend", this._update, this);
      L.FeatureGroup.prototype.onRemove.call(this, map);
      this.clearLayers();
      this._shown = {};
    },

    _buildIndex: function () {
      var rows = this._rows, usable = this._cfg.usableIndex, points = new Array(rows.length);
      for (var i = 0; i < rows.length; i++) {
        points[i] = { type: "Feature", properties: { i: i },
                      geometry: { type: "Point", coordinates: [rows[i][LON], rows[i][LAT]] } };
      }
      var index = new Supercluster({
        radius: this._opts.radius,
        extent: 256, // Leaflet's tile size: radius is in screen pixels
        maxZoom: this._opts.maxClusterZoom,
        map: function (p) { return { bad: rows[p.i][COND] !== usable ? 1 : 0 }; },
        reduce: function (acc, p) { acc.bad += p.bad; }
      });
      var start = performance.now();
      index.load(points);
      global.fieldsvcBinsIndexMs = performance.now() - start; // for bench/map_bench.py
      return index;
    },

    _update: function () {
      var map = this._map;
      if (!map) return;
      var b = map.getBounds().pad(this._opts.padding);
      var found = this._index.getClusters(
        [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], map.getZoom());
      var shown = this._shown, next = {}, added = [], i, key;
      for (i = 0; i < found.length; i++) {
        var p = found[i].properties;
        key = p.cluster ? "c" + p.cluster_id : "b" + p.i;
        if (shown[key]) {
          next[key] = shown[key];
          delete shown[key];
        } else {
          next[key] = p.cluster ? this._clusterMarker(found[i]) : this._binMarker(p.i);
          added.push(next[key]);
        }
      }
      for (key in shown) this.removeLayer(shown[key]);
      for (i = 0; i < added.length; i++) this.addLayer(added[i]);
      this._shown = next;
      if (!this._ready) {
        this._ready = true;
        // Signals for tests and bench/map_bench.py: bins indexed and the view drawn.
        global.fieldsvcBinsReadyAt = performance.now();
        document.documentElement.setAttribute("data-bins-ready", "1");
      }
    },

    _binMarker: function (i) {
      var r = this._rows[i];
      var m = L.marker([r[LAT], r[LON]], { icon: this._icon(r[STREAM], r[COND]), title: r[CODE] });
      m.row = r;
      return m;
    },

    _clusterMarker: function (feature) {
      var p = feature.properties, c = feature.geometry.coordinates;
      var m = L.marker([c[1], c[0]], { icon: clusterIcon(this._cfg, p.point_count, p.bad) });
      m.clusterId = p.cluster_id;
      return m;
    },

    _onClick: function (e) {
      var m = e.propagatedFrom || e.layer, map = this._map;
      if (!m || !map) return;
      if (m.row) {
        L.popup({ maxWidth: 260, minWidth: 180 })
          .setLatLng(m.getLatLng())
          .setContent(popupContent(this._cfg, m.row))
          .openOn(map);
      } else if (m.clusterId !== undefined) {
        var zoom = this._index.getClusterExpansionZoom(m.clusterId);
        map.setView(m.getLatLng(), Math.min(zoom, map.getMaxZoom()));
      }
    }
  });

  function binLayer(data, cfg, opts) {
    return new BinLayer(data, cfg, opts);
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
      // On a phone the open legend would hide most of the map: it starts folded.
      if (toggle && map.getSize().x < NARROW_PX) div.classList.add("fs-legend-collapsed");
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
    thaiDate: thaiDate, binLayer: binLayer, BinLayer: BinLayer, serviceRadius: serviceRadius, legend: legend
  };
})(window);
