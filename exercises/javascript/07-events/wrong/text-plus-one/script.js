const shown = document.querySelector("#count");

document.querySelector("#add").addEventListener("click", function () {
  shown.textContent = shown.textContent + 1;
});

document.querySelector("#reset").addEventListener("click", function () {
  shown.textContent = 0;
});
