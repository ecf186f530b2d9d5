// Starts Pagefind's search UI; Pagefind picks the index of the page's <html lang>.
window.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("search");
  if (!el || typeof PagefindUI === "undefined") return;
  var ui = new PagefindUI({
    element: "#search",
    showImages: false,
    showSubResults: false,
    // The page's language through our catalogs (search.html's data-* attributes).
    translations: {
      placeholder: el.dataset.placeholder,
      clear_search: el.dataset.clear_search,
      load_more: el.dataset.load_more,
      zero_results: el.dataset.zero_results,
      many_results: el.dataset.many_results,
      one_result: el.dataset.one_result
    }
  });
  // The words of a search form elsewhere (the 404 page): /search/?q=…
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) ui.triggerSearch(q);
});
