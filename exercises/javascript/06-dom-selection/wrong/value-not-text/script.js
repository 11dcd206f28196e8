const greeting = document.querySelector("#greeting");
greeting.value = "Hello from JavaScript!";

const items = document.querySelectorAll("li");
document.querySelector("#count").textContent = items.length;

document.querySelector("#news").classList.add(".highlight");
