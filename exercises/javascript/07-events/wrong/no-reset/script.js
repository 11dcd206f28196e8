let count = 0;

document.querySelector("#add").addEventListener("click", function () {
  count++;
  document.querySelector("#count").textContent = count;
});

document.querySelector("#reset").addEventListener("click", function () {
  document.querySelector("#count").textContent = 0;
});
