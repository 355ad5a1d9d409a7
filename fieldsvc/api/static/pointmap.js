// A small offline map of one surveyed point and its GPS accuracy circle (no tiles needed).
(function () {
  var el = document.getElementById("pointmap");
  if (!el || !window.L) return;
  var lat = parseFloat(el.dataset.lat), lon = parseFloat(el.dataset.lon);
  var accuracy = parseFloat(el.dataset.accuracy) || 0;
  var map = L.map(el, { maxZoom: 20 }).setView([lat, lon], 18);
  L.circleMarker([lat, lon], { radius: 7, color: "#12385f", fillOpacity: 0.9 }).addTo(map);
  if (accuracy > 0) L.circle([lat, lon], { radius: accuracy, color: "#b26a00", fill: false }).addTo(map);
  L.control.scale({ metric: true, imperial: false }).addTo(map);
})();
