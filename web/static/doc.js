// On an article reached from the results (?q=...), bring the first highlighted match into
// view, unless it is already on screen (then the title and metadata stay in sight) or the
// URL names a #fragment of its own.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var first = document.getElementById("m1");
  if (!first || window.location.hash) {
    return;
  }
  var box = first.getBoundingClientRect();
  if (box.top < 0 || box.bottom > window.innerHeight) {
    first.scrollIntoView({ block: "center" });
  }
});
