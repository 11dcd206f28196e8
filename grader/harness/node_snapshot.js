"use strict";
// The start-up snapshot of the harness's Node.js programs (the tests' process and the learner's
// server of a `node` or `calls` step). Debian's Node.js is built without a start-up snapshot of its
// own, so every start builds node's bootstrap heap again: about 0.1 s, twice per step. Started from
// this snapshot (`node --snapshot-blob /opt/harness/node.blob FILE`, built into the runner image by
// grader/runner_image.py), node runs FILE as it would without it, 0.03 to 0.05 s sooner.
//
// It deliberately holds nothing of ours: no global, no module loaded. A program started from it
// sees the same world as one started without it.
