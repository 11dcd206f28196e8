// The page itself keeps the count: read it, add one, write it back.
document.addEventListener("click", (event) => {
  const shown = document.querySelector("#count");
  if (event.target.id === "add") {
    shown.textContent = Number(shown.textContent) + 1;
  } else if (event.target.id === "reset") {
    shown.textContent = "0";
  }
});
