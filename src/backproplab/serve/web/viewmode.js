// The page's two layouts: the whole playground, and the teacher's view (?view=teacher in
// the address): the diagram, the input space and the stepper large, the settings hidden
// (a class on the body, playground.css). Pure: addresses in, addresses out.

/** Whether the address's query `search` asks for the teacher's view. */
export function isTeacher(search) {
  return new URLSearchParams(search).get("view") === "teacher";
}

/** The query to write for the settings' query `query`: the view kept in front of it. */
export function withView(query, teacher) {
  if (!teacher) return query;
  return query ? `view=teacher&${query}` : "view=teacher";
}

/** The link to the other view, with the same settings: {href, text}. */
export function otherView(search) {
  const q = new URLSearchParams(search), teacher = q.get("view") === "teacher";
  if (teacher) q.delete("view");
  else q.set("view", "teacher");
  const text = q.toString();
  return { href: text ? `?${text}` : "?", text: teacher ? "all controls" : "teacher view" };
}
