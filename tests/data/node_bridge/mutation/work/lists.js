// Functions that change what they are given, and one that keeps it.
function addAll(list, ...items) {
  list.push(...items);
  return list;
}
function sortInPlace(list) {
  list.sort((a, b) => a - b);
}
function rename(person, name) {
  person.name = name;
  delete person.nickname;
  person.renamed = true;
}
function fill(map, set) {
  map.set("k", [1]);
  set.add(2);
}
function nestAndShare(outer) {
  outer.inner.push("x");
  outer.again = outer.inner;
}
function copyOnly(list) {
  return list.filter((item) => item > 1);
}
function pushFrozen(list) {
  list.push(1);
}
function emptyIt(list) {
  list.length = 0;
}
module.exports = { addAll, sortInPlace, rename, fill, nestAndShare, copyOnly, pushFrozen, emptyIt };
