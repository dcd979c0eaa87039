// Search as you type: the search box (#q) becomes an ARIA 1.2 combobox whose list offers
// completions of the last word and matching headlines from /api/suggest.  Arrow keys move
// through the options, Enter takes one (a word searches, a headline opens the article),
// Escape closes the list.  Without this script the box is a plain search form.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var input = document.getElementById("q");
  if (!input || !input.form || !window.fetch) {
    return;
  }
  var form = input.form;
  var list = document.createElement("ul");
  list.id = "q-suggestions";
  list.className = "suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Suggestions");
  list.hidden = true;
  input.insertAdjacentElement("afterend", list);
  form.classList.add("has-suggestions");
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);

  var options = [];
  var active = -1;
  var timer = null;
  var asked = 0;

  function hide() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function close() {
    // Closed by the reader (Escape, leaving the box, a choice): drop the pending ask and
    // any answer still on its way, else a slow answer reopens the list.  An empty answer
    // only hides it: the answer to a later keystroke may still be on its way.
    clearTimeout(timer);
    asked++;
    hide();
  }

  function highlight(index) {
    options.forEach(function (option, i) {
      option.element.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    active = index;
    if (index < 0) {
      input.removeAttribute("aria-activedescendant");
      return;
    }
    input.setAttribute("aria-activedescendant", options[index].element.id);
    options[index].element.scrollIntoView({ block: "nearest" });
  }

  function choose(option) {
    close();
    if (option.href) {
      window.location.assign(option.href);
    } else {
      input.value = option.text;
      form.submit();
    }
  }

  function add(kind, label, option) {
    var item = document.createElement("li");
    item.id = "q-option-" + options.length;
    item.className = "suggestion " + kind;
    item.setAttribute("role", "option");
    item.setAttribute("aria-selected", "false");
    item.textContent = label;
    item.addEventListener("mousedown", function (event) {
      event.preventDefault(); // keep the focus in the box
    });
    item.addEventListener("click", function () {
      choose(option);
    });
    option.element = item;
    options.push(option);
    list.appendChild(item);
  }

  function show(data) {
    list.textContent = "";
    options = [];
    active = -1;
    data.words.forEach(function (word) {
      add("word", word.text, { text: word.text });
    });
    data.headlines.forEach(function (headline) {
      add("headline", headline.title, { href: headline.href });
    });
    if (!options.length) {
      hide();
      return;
    }
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    input.removeAttribute("aria-activedescendant");
  }

  function ask() {
    var text = input.value;
    var ticket = ++asked;
    if (!text.trim()) {
      hide();
      return;
    }
    fetch("/api/suggest?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data && ticket === asked && document.activeElement === input) {
          show(data);
        }
      })
      .catch(function () {
        if (ticket === asked) {
          hide();
        }
      });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 80);
  });

  input.addEventListener("keydown", function (event) {
    var open = !list.hidden && options.length > 0;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!open) {
        if (event.key === "ArrowDown") {
          ask();
        }
        return;
      }
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      var next = active + step;
      if (next >= options.length) {
        next = -1;
      } else if (next < -1) {
        next = options.length - 1;
      }
      highlight(next);
    } else if (event.key === "Enter") {
      if (open && active >= 0) {
        event.preventDefault();
        choose(options[active]);
      }
    } else if (event.key === "Escape") {
      if (open) {
        event.preventDefault();
        close();
      }
    }
  });

  input.addEventListener("blur", function () {
    close();
  });
});
