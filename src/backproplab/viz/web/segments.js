// Which wire of the network diagram a click is on: distances on the screen from a point
// to straight segments. Pure functions, no DOM; points are [x, y] pairs, in pixels for the
// distances (so that the plot's aspect ratio does not stretch them).

/** Pixel [px, py] of the data point [x, y] in the plot area `rect` ({left, top, width,
 * height}, as getBoundingClientRect gives it) whose axes show `xrange` and `yrange`.
 * Pixels count down from the top, data up from the bottom. */
export function toPixels([x, y], rect, xrange, yrange) {
  const fx = (x - xrange[0]) / (xrange[1] - xrange[0]), fy = (y - yrange[0]) / (yrange[1] - yrange[0]);
  return [rect.left + fx * rect.width, rect.top + (1 - fy) * rect.height];
}

/** The distance from point p to the segment from a to b: along the perpendicular when its
 * foot falls between a and b, else to the nearer end (a segment with a = b is a point). */
export function segmentDistance([px, py], [ax, ay], [bx, by]) {
  const dx = bx - ax, dy = by - ay, length2 = dx * dx + dy * dy;
  // t: where the foot of the perpendicular from p falls, 0 at a and 1 at b, kept on the segment
  const t = length2 > 0 ? Math.min(1, Math.max(0, ((px - ax) * dx + (py - ay) * dy) / length2)) : 0;
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** The segment of `segments` ([a, b] pairs) nearest p, as {index, distance}; null when
 * none is within `within`. Of segments equally near (where wires cross), the first. */
export function nearestSegment(p, segments, within = Infinity) {
  let best = null;
  segments.forEach(([a, b], index) => {
    const distance = segmentDistance(p, a, b);
    if (distance <= within && (best === null || distance < best.distance)) best = { index, distance };
  });
  return best;
}
