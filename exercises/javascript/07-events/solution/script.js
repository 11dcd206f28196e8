let count = 0;
const shown = document.querySelector("#count");

document.querySelector("#add").addEventListener("click", function () {
  count = count + 1;
  shown.textContent = count;
});

document.querySelector("#reset").addEventListener("click", function () {
  count = 0;
  shown.textContent = count;
});
