document.querySelector("#greet").addEventListener("click", () => {
  document.querySelector("#message").textContent = "Hello!";
});
