// When the form #add-form is sent:
//   1. stop the page from reloading,
//   2. read the text typed in #item (without spaces at the ends),
//   3. if it is not empty, add it as a new <li> at the end of #list,
//   4. empty the box.

