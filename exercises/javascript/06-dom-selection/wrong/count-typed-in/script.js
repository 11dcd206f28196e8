document.querySelector("#greeting").textContent = "Hello from JavaScript!";
document.querySelector("#count").textContent = "4";
document.querySelector("#news").className = "highlight";
