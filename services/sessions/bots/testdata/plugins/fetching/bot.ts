/** Reaches a host its manifest does not declare. @module */
export default async () => {
  await fetch("http://127.0.0.2:45678/");
  return { replies: ["fetched"], actions: [] };
};
