function showCount() {
  const list = document.querySelector("ul#shopping");
  const count = document.querySelector("span#count");
  count.textContent = list.children.length;
}

window.addEventListener("DOMContentLoaded", function () {
  document.querySelector("h1").textContent = "Hello from JavaScript!";
  showCount();
  document.querySelector("p#news").classList.toggle("highlight", true);
});
