// On an article reached with ?q=..., bring the first highlighted match into view when the
// URL has no #fragment of its own (links from the results carry #m1; shared links may not).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var first = document.getElementById("m1");
  if (first && !window.location.hash) {
    first.scrollIntoView({ block: "center" });
  }
});
