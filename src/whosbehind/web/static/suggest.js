// Suggestions while typing in the search box. The form works without this: it submits to /search?q=.
(function () {
  var input = document.getElementById("q");
  var list = document.getElementById("suggestions");
  if (!input || !list || !window.fetch) return;
  var timer = null, last = "";
  function orgPath(id) { return "/org/" + encodeURIComponent(id).replace(/%3A/g, ":"); }
  function show(items) {
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = orgPath(item.id);
      a.textContent = item.name;  // text, never HTML: names come from the data
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
  }
  input.addEventListener("input", function () {
    var q = input.value.trim();
    clearTimeout(timer);
    if (q.length < 2) { show([]); return; }
    timer = setTimeout(function () {
      if (q === last) return;
      last = q;
      fetch(input.dataset.suggest + "?q=" + encodeURIComponent(q))
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (data) { if (input.value.trim() === q) show(data.items || []); })
        .catch(function () { show([]); });
    }, 150);
  });
  input.addEventListener("keydown", function (e) { if (e.key === "Escape") show([]); });
})();
