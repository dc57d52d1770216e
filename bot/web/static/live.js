// The live board's pages: a server-sent event stream replaces the page's content when the
// plan changes or the next slot begins; the clock runs on in the camp's time zone.
"use strict";

(function () {
  var main = document.getElementById("live");
  if (!main) return;
  var offline = document.getElementById("offline");
  var offset = 0;

  function startClock() {
    var clock = document.getElementById("clock");
    if (!clock) return;
    offset = Number(clock.getAttribute("data-now-ms")) - Date.now();
  }

  function tick() {
    var clock = document.getElementById("clock");
    if (!clock) return;
    var format = new Intl.DateTimeFormat(document.documentElement.lang || "de", {
      hour: "2-digit", minute: "2-digit", hour12: false,
      timeZone: clock.getAttribute("data-zone") || undefined
    });
    clock.textContent = format.format(new Date(Date.now() + offset));
  }

  startClock();
  setInterval(tick, 1000);

  var source = new EventSource(main.getAttribute("data-live"));
  source.addEventListener("update", function (event) {
    main.innerHTML = event.data;  // rendered and escaped by the server's templates
    document.body.setAttribute("data-updated", String(Date.now()));
    startClock();
  });
  source.addEventListener("open", function () { offline.hidden = true; });
  source.addEventListener("error", function () {
    // EventSource reconnects by itself (after the server's retry: 2 s).
    offline.hidden = source.readyState === EventSource.OPEN;
  });
})();
