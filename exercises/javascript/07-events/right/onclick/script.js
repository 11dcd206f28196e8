const addButton = document.getElementById("add");
const resetButton = document.getElementById("reset");
const countSpan = document.getElementById("count");
let clicks = 0;

function show() {
  countSpan.innerText = String(clicks);
}

addButton.onclick = () => {
  clicks += 1;
  show();
};

resetButton.onclick = () => {
  clicks = 0;
  show();
};
