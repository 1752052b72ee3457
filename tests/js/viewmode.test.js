// The teacher's view in the address: read, kept when the settings are written, switched.
import { test } from "node:test";
import assert from "node:assert/strict";
import { isTeacher, otherView, withView } from "../../src/backproplab/serve/web/viewmode.js";

test("isTeacher reads ?view=teacher and nothing else", () => {
  assert.equal(isTeacher("?view=teacher&eta=0.3"), true);
  assert.equal(isTeacher("?eta=0.3"), false);
  assert.equal(isTeacher("?view=other"), false);
  assert.equal(isTeacher(""), false);
});

test("withView keeps the view in front of the settings", () => {
  assert.equal(withView("eta=0.3", true), "view=teacher&eta=0.3");
  assert.equal(withView("", true), "view=teacher");
  assert.equal(withView("eta=0.3", false), "eta=0.3");
});

test("otherView switches the view and keeps the settings", () => {
  assert.deepEqual(otherView("?eta=0.3"), { href: "?eta=0.3&view=teacher", text: "teacher view" });
  assert.deepEqual(otherView("?view=teacher&eta=0.3"), { href: "?eta=0.3", text: "all controls" });
  assert.deepEqual(otherView("?view=teacher"), { href: "?", text: "all controls" });
});
