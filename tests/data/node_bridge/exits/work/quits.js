// A module that ends its own program in the middle of a call, or crashes later in a timer.
function fine() {
  return "fine";
}
function quit() {
  process.exit(3);
}
function crashLater() {
  setTimeout(() => { null.boom(); }, 1);
  return "scheduled";
}
module.exports = { fine, quit, crashLater };
